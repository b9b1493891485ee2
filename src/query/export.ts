import type { MetricSummary } from '../domain/metric.js';
import type { RunRecord } from '../domain/run.js';
import type { RunFilter } from '../domain/run-filter.js';
import type { JsonValue } from '../spec/types.js';
import { METRIC_STATS } from './keys.js';
import type { RunSource } from './run-source.js';

/** Runs as a flat table: one row per run, one column per field, parameter and metric statistic. */
export interface ExportTable {
  columns: string[];
  rows: JsonValue[][];
}

const RUN_COLUMNS = ['id', 'experiment', 'hash', 'state', 'attempt', 'started', 'finished', 'duration', 'exit_code', 'failure_reason'];

export async function exportRuns(store: RunSource, filter: RunFilter): Promise<ExportTable> {
  const runs = await store.listRuns(filter);
  const summaries = groupByRun(await store.listRunsMetricSummaries(filter));
  const paramColumns = new Set<string>();
  const flatParams = runs.map((run) => {
    const flat = flatten(run.params);
    for (const key of flat.keys()) paramColumns.add(key);
    return flat;
  });
  const metricKeys = [...new Set([...summaries.values()].flatMap((list) => list.map((s) => s.key)))].sort();
  const params = [...paramColumns].sort();
  const columns = [
    ...RUN_COLUMNS,
    ...params.map((p) => `params.${p}`),
    ...metricKeys.flatMap((key) => METRIC_STATS.map((stat) => `metrics.${key}.${stat}`)),
  ];
  const rows = runs.map((run, i) => {
    const flat = flatParams[i] as Map<string, JsonValue>;
    const byKey = new Map((summaries.get(run.id) ?? []).map((s) => [s.key, s]));
    return [
      ...runFields(run),
      ...params.map((p) => flat.get(p) ?? null),
      ...metricKeys.flatMap((key) => METRIC_STATS.map((stat) => byKey.get(key)?.[stat] ?? null)),
    ];
  });
  return { columns, rows };
}

function runFields(run: RunRecord): JsonValue[] {
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const duration = run.startedAt !== null && run.finishedAt !== null ? (run.finishedAt - run.startedAt) / 1000 : null;
  return [
    run.id,
    run.experiment,
    run.hash,
    run.state,
    run.attempt,
    time(run.startedAt),
    time(run.finishedAt),
    duration,
    run.exitCode,
    run.failureReason,
  ];
}

function groupByRun(summaries: Array<MetricSummary & { runId: number }>): Map<number, MetricSummary[]> {
  const byRun = new Map<number, MetricSummary[]>();
  for (const summary of summaries) {
    const list = byRun.get(summary.runId);
    if (list) list.push(summary);
    else byRun.set(summary.runId, [summary]);
  }
  return byRun;
}

/** `{model: {depth: 3}}` → `model.depth = 3`; arrays stay whole values. */
function flatten(value: JsonValue, prefix = '', into = new Map<string, JsonValue>()): Map<string, JsonValue> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}
