import type { KeyCatalog } from '../domain/metric.js';
import { QueryUnknownKeyError } from '../errors.js';
import { closestMatches } from '../util/closest-matches.js';
import type { KeyOperand } from './ast.js';

/** Columns of a run a query can name directly, with the kind of value each holds. */
export const RUN_FIELDS = {
  id: 'number',
  hash: 'string',
  experiment: 'string',
  state: 'state',
  attempt: 'number',
  started: 'time',
  finished: 'time',
  duration: 'number',
  exit_code: 'number',
  failure_reason: 'string',
  worker: 'string',
} as const;
export type RunField = keyof typeof RUN_FIELDS;
export type FieldType = (typeof RUN_FIELDS)[RunField];

export const METRIC_STATS = ['last', 'min', 'max', 'first', 'count'] as const;
export type MetricStat = (typeof METRIC_STATS)[number];

export type JsonSource = 'params' | 'settings' | 'result';

/** What a key of a query refers to, independent of any SQL dialect. */
export type ResolvedKey =
  | { kind: 'field'; field: RunField }
  | { kind: 'json'; source: JsonSource; path: string[] }
  | { kind: 'metric'; key: string; stat: MetricStat };

export type { KeyCatalog };

/**
 * What resolution asks a backend. Lookups answer for one key (cheap: the first matching row
 * suffices); the catalog, which reads every run in scope, is only needed for suggestions.
 */
export interface KeyLookup {
  /** True when some run has the path, as a value or as an object holding values. */
  hasParam(path: readonly string[]): boolean;
  hasSetting(path: readonly string[]): boolean;
  hasMetric(key: string): boolean;
  hasResult(path: readonly string[]): boolean;
  /** False when no run is in scope: then no key is known, and a query simply matches nothing. */
  hasRuns(): boolean;
  catalog(): KeyCatalog;
}

/** A lookup over a catalog already in memory (e.g. fetched once by an async backend). */
export function catalogLookup(catalog: KeyCatalog, hasRuns = true): KeyLookup {
  const has = (keys: string[], path: readonly string[]) => {
    const dotted = path.join('.');
    return keys.some((k) => k === dotted || k.startsWith(`${dotted}.`));
  };
  return {
    hasParam: (path) => has(catalog.params, path),
    hasSetting: (path) => has(catalog.settings, path),
    hasMetric: (key) => catalog.metrics.includes(key),
    hasResult: (path) => has(catalog.results, path),
    hasRuns: () => hasRuns,
    catalog: () => catalog,
  };
}

/** Every key a user can write, for suggestions and `labbook ls --keys`. */
export function knownKeys(catalog: KeyCatalog): string[] {
  return [
    ...catalog.params,
    ...catalog.settings.map((k) => `settings.${k}`),
    ...catalog.metrics.map((k) => `metrics.${k}`),
    ...catalog.results.map((k) => `result.${k}`),
    ...Object.keys(RUN_FIELDS),
  ];
}

/**
 * `lr`, `params.model.name`, `settings.n_fold`, `metrics.val.loss.min` (a metric key may hold
 * dots: the whole key first, then a trailing statistic), `state`, `result.acc`. A bare name is
 * a run field, else a parameter, else a metric (`acc`, `val.loss.min`), else a result field.
 */
export function resolveKey(operand: KeyOperand, lookup: KeyLookup, query: string): ResolvedKey {
  const [head, ...rest] = operand.segments as [string, ...string[]];
  const unknown = () => {
    const known = knownKeys(lookup.catalog());
    return new QueryUnknownKeyError(query, operand.column, operand.text, closestMatches(operand.text, known), known);
  };
  if (rest.length === 0 && head in RUN_FIELDS) return { kind: 'field', field: head as RunField };
  if (head === 'result') return { kind: 'json', source: 'result', path: rest };
  if (!lookup.hasRuns()) return readingWithoutRuns(head, rest, operand.segments);
  if (head === 'params' && rest.length > 0) {
    if (!lookup.hasParam(rest)) throw unknown();
    return { kind: 'json', source: 'params', path: rest };
  }
  if (head === 'settings' && rest.length > 0) {
    if (!lookup.hasSetting(rest)) throw unknown();
    return { kind: 'json', source: 'settings', path: rest };
  }
  if (head === 'metrics' && rest.length > 0) return resolveMetric(rest, lookup) ?? fail(unknown());
  if (lookup.hasParam(operand.segments)) return { kind: 'json', source: 'params', path: operand.segments };
  const metric = resolveMetric(operand.segments, lookup);
  if (metric) return metric;
  if (lookup.hasResult(operand.segments)) return { kind: 'json', source: 'result', path: operand.segments };
  throw unknown();
}

/** What a key says by its form alone, when there are no runs to look it up in (it matches nothing). */
function readingWithoutRuns(head: string, rest: string[], segments: readonly string[]): ResolvedKey {
  if (rest.length > 0 && (head === 'params' || head === 'settings')) return { kind: 'json', source: head, path: rest };
  if (rest.length > 0 && head === 'metrics') return { kind: 'metric', key: rest.join('.'), stat: 'last' };
  return { kind: 'json', source: 'params', path: [...segments] };
}

/** The longest known metric key wins (`val.loss` before `val`), then a trailing statistic. */
function resolveMetric(segments: readonly string[], lookup: KeyLookup): ResolvedKey | undefined {
  const whole = segments.join('.');
  if (lookup.hasMetric(whole)) return { kind: 'metric', key: whole, stat: 'last' };
  const stat = segments[segments.length - 1] as MetricStat;
  const key = segments.slice(0, -1).join('.');
  if (segments.length > 1 && METRIC_STATS.includes(stat) && lookup.hasMetric(key)) return { kind: 'metric', key, stat };
  return undefined;
}

function fail(error: Error): never {
  throw error;
}

/** The name a resolved key is shown under in tables and exports. */
export function keyLabel(key: ResolvedKey): string {
  if (key.kind === 'field') return key.field;
  if (key.kind === 'metric') return key.stat === 'last' ? key.key : `${key.key}.${key.stat}`;
  return key.source === 'params' ? key.path.join('.') : [key.source, ...key.path].join('.');
}
