import type { RunFilter } from '../domain/index.js';
import { canonicalJson } from '../spec/canonical-json.js';
import type { JsonValue } from '../spec/types.js';
import type { Store } from '../store/types.js';

/**
 * Mean ± standard deviation of a metric, step by step, over the runs of a selection grouped
 * by the value of one parameter (runs that differ only by seed form one band): the compare
 * view's bands. As MLXP's groupBy + AvgStd, but per step of the series.
 */
export interface MetricBand {
  /** The parameter's value shared by the group (null: runs without it). */
  value: JsonValue | null;
  runs: number[];
  steps: number[];
  mean: number[];
  /** Sample standard deviation (0 where one run has the step). */
  std: number[];
  /** How many runs have a finite value at each step. */
  count: number[];
}

export interface MetricBands {
  key: string;
  by: string;
  groups: MetricBand[];
  /** The selection has more runs than `maxRuns`: the bands use the first ones, in run order. */
  truncated: boolean;
}

interface Accumulator {
  value: JsonValue | null;
  runs: number[];
  sums: Map<number, { n: number; sum: number; squares: number }>;
}

export async function metricBands(
  store: Store,
  filter: RunFilter,
  request: { key: string; by: string; maxRuns: number; maxSteps: number },
): Promise<MetricBands> {
  const { total, runs } = await store.pageRuns(filter, { limit: request.maxRuns, offset: 0 });
  const groups = new Map<string, Accumulator>();
  for (const run of runs) {
    const points = await store.readMetrics(run.id, request.key);
    if (points.length === 0) continue;
    const value = valueAt(run.params, request.by);
    const name = canonicalJson(value);
    const group: Accumulator = groups.get(name) ?? { value, runs: [], sums: new Map() };
    groups.set(name, group);
    group.runs.push(run.id);
    points.forEach((point, index) => {
      if (point.value === null || !Number.isFinite(point.value)) return;
      const step = point.step ?? index;
      const cell = group.sums.get(step) ?? { n: 0, sum: 0, squares: 0 };
      cell.n++;
      cell.sum += point.value;
      cell.squares += point.value * point.value;
      group.sums.set(step, cell);
    });
  }
  return {
    key: request.key,
    by: request.by,
    groups: [...groups.values()].map((group) => band(group, request.maxSteps)),
    truncated: total > runs.length,
  };
}

/** The group's steps in order, every k-th kept when there are more than `maxSteps`. */
function band(group: Accumulator, maxSteps: number): MetricBand {
  const all = [...group.sums.keys()].sort((a, b) => a - b);
  const stride = Math.ceil(all.length / maxSteps);
  const steps = stride > 1 ? all.filter((_, i) => i % stride === 0) : all;
  const result: MetricBand = { value: group.value, runs: group.runs, steps, mean: [], std: [], count: [] };
  for (const step of steps) {
    const { n, sum, squares } = group.sums.get(step) as { n: number; sum: number; squares: number };
    const mean = sum / n;
    result.mean.push(mean);
    result.std.push(n > 1 ? Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1))) : 0);
    result.count.push(n);
  }
  return result;
}

/** A dotted path into the parameters: `model.depth` of `{model: {depth: 3}}`; a flat key with dots wins. */
function valueAt(params: JsonValue, path: string): JsonValue | null {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  if (path in params) return params[path] ?? null;
  let current: JsonValue | undefined = params;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return null;
    current = current[part];
  }
  return current ?? null;
}
