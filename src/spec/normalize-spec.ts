import { parseSearchSpace } from '../search/space-schema.js';
import type { SearchSpace } from '../search/types.js';
import { didYouMean } from '../util/closest-matches.js';
import { BUILTIN_PLACEHOLDERS, placeholdersOf, splitCommandLine } from './command-template.js';
import { parseDuration } from './duration.js';
import { isPlainObject, jsonProblem, keyPaths } from './json-value.js';
import { parseNotify } from './notify-config.js';
import { gridPaths, parseParameterGrid } from './parameter-grid.js';
import { parseRawSpec } from './parse-raw-spec.js';
import { parsePartialAssignment } from './partial-assignment.js';
import type { RawSpec } from './raw-spec-schema.js';
import type { PathIssue } from './spec-issue.js';
import type { ExperimentSpec, JsonObject, ParameterGrid, PartialAssignment } from './types.js';
import { findValueProblems } from './value-problems.js';

export type NormalizeResult = { ok: true; spec: ExperimentSpec; raw: RawSpec } | { ok: false; issues: PathIssue[] };

export interface NormalizeOptions {
  /**
   * Refuse exclude entries that match no value of the grid (a typo would otherwise exclude
   * nothing, silently). Off once overrides have changed the grid: they may make an exclude moot.
   */
  strictExcludes?: boolean;
}

/**
 * Validates a raw spec (parsed YAML or a TS object) and normalises it; never throws. Every
 * problem is reported at once; a check that depends on a refused field or parameter is
 * skipped for it (an exclude of a refused parameter is not reported as naming none).
 */
export function normalizeSpec(input: unknown, options: NormalizeOptions = {}): NormalizeResult {
  const strictExcludes = options.strictExcludes ?? true;
  const { issues, tooDeep } = findValueProblems(input);
  if (tooDeep) return { ok: false, issues };
  const parsed = parseRawSpec(input, issues);
  if (!parsed) return { ok: false, issues };
  const { raw, invalid } = parsed;
  const grid = parseGrid(raw, invalid, issues);
  const { parameters } = grid;
  const search = raw.search === undefined ? undefined : parseSearch(raw.search, parameters, raw.settings, issues);

  const settings = raw.settings as JsonObject;
  for (const [name, value] of Object.entries(raw.settings)) {
    const problem = jsonProblem(value);
    if (problem) issues.push({ path: ['settings', name], message: `${problem}; settings must be JSON values` });
    if (parameters.has(name)) issues.push({ path: ['settings', name], message: `'${name}' is both a parameter and a setting; keep one` });
  }

  const assignments = (kind: 'exclude' | 'include'): PartialAssignment[] => {
    if (!grid.known) return [];
    const own: PathIssue[] = [];
    const parsed = raw[kind].flatMap(
      (entry, i) => parsePartialAssignment(entry, parameters, kind, [kind, i], own, kind === 'exclude' && strictExcludes) ?? [],
    );
    issues.push(...own.filter((issue) => !namesRefused(issue.path.slice(2), grid.refused)));
    return parsed;
  };
  const exclude = assignments('exclude');
  const include = assignments('include');

  let command: string[] | undefined;
  if (raw.command !== undefined) {
    if (raw.function !== undefined) issues.push({ path: ['function'], message: 'give either command or function, not both' });
    const split = typeof raw.command === 'string' ? splitCommandLine(raw.command) : { argv: raw.command };
    if ('error' in split) issues.push({ path: ['command'], message: split.error });
    else {
      command = split.argv;
      if (grid.known && !invalid.has('settings')) {
        // The names of a refused search space are still its names: no second problem for them.
        const searched = isPlainObject(raw.search) ? Object.keys(raw.search) : [];
        checkPlaceholders(command, [...gridPaths(parameters), ...grid.refused, ...searched], keyPaths(settings), issues);
      }
    }
  }

  if (raw.driver !== undefined && (raw.command !== undefined || raw.function !== undefined)) {
    issues.push({
      path: ['driver'],
      message: 'a driver experiment is executed by its Python script: give driver or a command/function, not both',
    });
  }
  const notify = parseNotify(raw.notify, issues);

  if (issues.length > 0) return { ok: false, issues };
  const spec: ExperimentSpec = {
    name: raw.name,
    parameters,
    settings,
    exclude,
    include,
    retries: raw.retries,
    tags: raw.tags,
    notify,
    ...(raw.description !== undefined && { description: raw.description }),
    ...(search && { search }),
    ...(command && { command }),
    ...(raw.function !== undefined && { function: raw.function }),
    ...(raw.driver !== undefined && { driver: raw.driver }),
    ...(raw.timeout !== undefined && { timeout: typeof raw.timeout === 'number' ? raw.timeout : (parseDuration(raw.timeout) as number) }),
    ...(raw.resources && { resources: raw.resources }),
    ...(raw.code && { code: raw.code }),
  };
  return { ok: true, spec, raw };
}

interface Grid {
  parameters: ParameterGrid;
  /** False when `parameters` was refused as a whole: nothing can be said of the names in excludes or placeholders. */
  known: boolean;
  /** Dotted paths of the parameters refused one by one (left out of `parameters`), `seed` when the seeds were. */
  refused: string[];
}

/** The parameters with the seeds; problems go to `issues`. */
function parseGrid(raw: RawSpec, invalid: ReadonlySet<string>, issues: PathIssue[]): Grid {
  const before = issues.length;
  const parameters = parseParameterGrid(raw.parameters, ['parameters'], issues);
  const refused = issues.slice(before).map((issue) => issue.path.slice(1).join('.'));
  if (raw.seeds !== undefined) {
    if (parameters.has('seed')) {
      issues.push({ path: ['seeds'], message: "the parameters already have a 'seed'; remove either seeds or parameters.seed" });
    } else {
      const seeds = typeof raw.seeds === 'number' ? Array.from({ length: raw.seeds }, (_, i) => i) : raw.seeds;
      if (new Set(seeds).size < seeds.length) {
        issues.push({ path: ['seeds'], message: 'a seed is listed twice; each seed must appear once' });
        refused.push('seed');
      } else parameters.set('seed', { kind: 'values', values: seeds });
    }
  }
  if (invalid.has('seeds')) refused.push('seed');
  const known = !invalid.has('parameters');
  if (parameters.size === 0 && refused.length === 0 && known && raw.search === undefined) {
    issues.push({ path: ['parameters'], message: 'no parameters: give at least one, e.g. parameters: {lr: [0.1, 0.01]}' });
  }
  return { parameters, known, refused };
}

/** The `search:` space; a searched parameter may not also be swept or set. */
function parseSearch(
  raw: unknown,
  parameters: ParameterGrid,
  settings: Record<string, unknown>,
  issues: PathIssue[],
): SearchSpace | undefined {
  const { space, issues: own } = parseSearchSpace(raw, ['search']);
  issues.push(...own);
  for (const parameter of space?.parameters ?? []) {
    const clash = parameters.has(parameter.name) ? 'parameters' : parameter.name in settings ? 'settings' : undefined;
    if (clash) issues.push({ path: ['search', parameter.name], message: `'${parameter.name}' is in ${clash} too; keep it in one place` });
  }
  return space;
}

/** Whether a key path (of an exclude entry) names a refused parameter or one inside it. */
function namesRefused(keyPath: Array<string | number>, refused: readonly string[]): boolean {
  const dotted = keyPath.join('.');
  return refused.some((path) => dotted === path || dotted.startsWith(`${path}.`));
}

/**
 * Every placeholder must name what the runner fills it with (see runner/command-line.ts): a
 * parameter, a setting (`{settings.x}` reaches settings only), or a built-in. Anything else
 * would become empty text in every run.
 */
function checkPlaceholders(argv: string[], parameterPaths: string[], settingPaths: string[], issues: PathIssue[]): void {
  const known = new Set([...parameterPaths, ...settingPaths, ...settingPaths.map((p) => `settings.${p}`), ...BUILTIN_PLACEHOLDERS]);
  for (const name of argv.flatMap(placeholdersOf)) {
    if (known.has(name)) continue;
    const asParameter = name.startsWith('settings.') ? name.slice('settings.'.length) : undefined;
    const message =
      asParameter !== undefined && parameterPaths.includes(asParameter)
        ? `placeholder {${name}} names no setting: '${asParameter}' is a parameter; write {${asParameter}}`
        : `placeholder {${name}} names no parameter or setting${didYouMean(name, known)} (built-ins: ${BUILTIN_PLACEHOLDERS.map((b) => `{${b}}`).join(', ')}; write {{ and }} for literal braces)`;
    issues.push({ path: ['command'], message });
  }
}
