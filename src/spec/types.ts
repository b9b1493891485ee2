import type { SearchSpace } from '../search/types.js';

/** Any value a parameter, setting or result can take: what JSON can say. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One run's parameters: a (possibly nested) object of concrete values. */
export type Params = JsonObject;

/**
 * The domain of one parameter: the values it takes, or a nested group of parameters
 * (which makes the run's parameter object nested, e.g. `{optimizer: {lr: 0.1}}`).
 */
export type ParameterDomain = { kind: 'values'; values: JsonValue[] } | { kind: 'group'; parameters: ParameterGrid };

/** Parameters in declaration order; the last varies fastest in the grid. */
export type ParameterGrid = Map<string, ParameterDomain>;

export interface Resources {
  cpus?: number;
  gpus?: number;
  memory?: string;
  time?: string;
}

/**
 * `code: {snapshot: true}`: runs execute a copy of the repository's code taken when the spec
 * was added (docs/reproducibility.md); `commit`, `tree` and `workdir` say which, once taken.
 */
export interface CodeSpec {
  snapshot: boolean;
  /** Take the snapshot even with uncommitted changes (they are part of it, and recorded as a diff). */
  allowDirty?: boolean;
  /** The commit the snapshot was taken at. */
  commit?: string;
  /** git's id of the tree taken (the commit's, with the uncommitted changes): the code directory's name. */
  tree?: string;
  /** Where runs start in it: the directory the spec was added from, relative to the repository. */
  workdir?: string;
  /** The repository's top directory it was taken from (a function inside it is loaded from the copy). */
  repository?: string;
}

/** A validated, normalised experiment spec: what every layer below the loader trusts. */
export interface ExperimentSpec {
  name: string;
  description?: string;
  parameters: ParameterGrid;
  settings: JsonObject;
  /** Partial assignments (dotted leaf path → value); a run matching one is left out. */
  exclude: PartialAssignment[];
  /** Partial assignments added after exclusion; unnamed parameters range over their domain. */
  include: PartialAssignment[];
  /** Parameters searched rather than swept (`labbook tune`, docs/studies.md): each run draws them from here. */
  search?: SearchSpace;
  /** argv template; `{param}` placeholders are filled per run. */
  command?: string[];
  /** `path/to/module.ts#export`: a function `(ctx, config) => result` run in a worker thread. */
  function?: string;
  /**
   * `python`: runs are executed by the Python script that added them (labbook.run, the
   * decorator, the compat layers), in its slot processes; see docs/python.md.
   */
  driver?: 'python';
  /** How often a run that fails by itself (error, non-zero exit, timeout) is tried again. */
  retries: number;
  /** Seconds a run may take before it is killed and counted as failed (TIMED_OUT). */
  timeout?: number;
  resources?: Resources;
  code?: CodeSpec;
  tags: string[];
  /** Where failed runs and the end of a sweep are announced; `[console]` unless the spec says otherwise. */
  notify: NotifyConfig[];
}

/** `failed`: a run failed (rate-limited by minInterval); `finished`: the sweep ended. */
export type NotifyEvent = 'finished' | 'failed';

/** One notification channel, validated (spec `notify:` entry or `--notify` value). */
export type NotifyConfig = {
  on: NotifyEvent[];
  /** Seconds between two failure notices of this channel; those in between are counted. */
  minInterval: number;
} & (
  | { channel: 'console' }
  /** allowLinkLocal: the spec allows posting to link-local addresses (see util/link-local.ts). */
  | { channel: 'webhook'; url: string; allowLinkLocal?: boolean }
  /** Missing from / smtp come from LABBOOK_MAIL_FROM / LABBOOK_SMTP_URL when sending. */
  | { channel: 'email'; to: string[]; from?: string; smtp?: string }
);

/** A partial assignment as a list of (parameter path, value) pairs, paths in grid order. */
export type PartialAssignment = Map<string, JsonValue>;
