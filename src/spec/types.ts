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
  /** argv template; `{param}` placeholders are filled per run. */
  command?: string[];
  /** `path/to/module.ts#export`: a function `(ctx, config) => result` run in a worker thread. */
  function?: string;
  /** How often a run that fails by itself (error, non-zero exit, timeout) is tried again. */
  retries: number;
  /** Seconds a run may take before it is killed and counted as failed (TIMED_OUT). */
  timeout?: number;
  resources?: Resources;
  tags: string[];
}

/** A partial assignment as a list of (parameter path, value) pairs, paths in grid order. */
export type PartialAssignment = Map<string, JsonValue>;
