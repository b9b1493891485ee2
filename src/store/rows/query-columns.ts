import type { JsonSource, MetricStat, RunField, SqlFragment } from '../../query/dialect.js';
import { RUN_SPEC } from './run-row.js';

/*
 * What the query dialects of both backends share: the SQL of run fields and metric
 * statistics over `runs r JOIN experiments e`, and the column each JSON source is read from.
 */

/** Run fields; times are epoch milliseconds, duration seconds. */
export const RUN_FIELD_SQL: Record<RunField, string> = {
  id: 'r.id',
  hash: 'r.hash',
  experiment: 'e.name',
  state: 'r.state',
  attempt: 'r.attempt',
  started: 'r.started_at',
  finished: 'r.finished_at',
  duration: '((r.finished_at - r.started_at) / 1000.0)',
  exit_code: 'r.exit_code',
  failure_reason: 'r.failure_reason',
  worker: 'r.worker_id',
};

/** The JSON text of each source, and the path of its root within it (settings are the spec's). */
export const JSON_SOURCES: Record<JsonSource, { column: string; root: readonly string[] }> = {
  params: { column: 'r.params', root: [] },
  settings: { column: RUN_SPEC, root: ['settings'] },
  result: { column: 'r.result', root: [] },
};

const STATS: Record<MetricStat, string> = { last: 'last', min: 'min', max: 'max', first: 'first', count: 'count' };

/** A summary statistic of a run's metric; NULL when the run never logged the key. */
export function metricSql(key: string, stat: MetricStat): SqlFragment {
  return { sql: `(SELECT ${STATS[stat]} FROM metric_summaries WHERE run_id = r.id AND key = ?)`, params: [key] };
}
