import type { JsonSource, MetricStat, QueryDialect, RunField, SqlFragment } from '../../../query/dialect.js';
import { RUN_SPEC } from '../../rows/run-row.js';

/** Run fields over `runs r JOIN experiments e`; times are epoch milliseconds, duration seconds. */
const FIELDS: Record<RunField, string> = {
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

const SOURCES: Record<JsonSource, { column: string; root: string }> = {
  params: { column: 'r.params', root: '$' },
  settings: { column: RUN_SPEC, root: '$.settings' },
  result: { column: 'r.result', root: '$' },
};

const STATS: Record<MetricStat, string> = { last: 'last', min: 'min', max: 'max', first: 'first', count: 'count' };

/** A JSON path whose labels are quoted, so a key segment is always a label, never syntax. */
function jsonPath(source: JsonSource, path: readonly string[]): string {
  return SOURCES[source].root + path.map((segment) => `."${segment}"`).join('');
}

export const sqliteDialect: QueryDialect = {
  field: (field) => FIELDS[field],
  jsonValue: (source, path) => ({ sql: `json_extract(${SOURCES[source].column}, ?)`, params: [jsonPath(source, path)] }),
  jsonType: (source, path) => ({ sql: `json_type(${SOURCES[source].column}, ?)`, params: [jsonPath(source, path)] }),
  jsonText: (source, path) => ({ sql: `(${SOURCES[source].column} -> ?)`, params: [jsonPath(source, path)] }),
  metric: (key, stat) => ({
    sql: `(SELECT ${STATS[stat]} FROM metric_summaries WHERE run_id = r.id AND key = ?)`,
    params: [key],
  }),
  inList: (value: SqlFragment, values) => ({
    sql: `${value.sql} IN (SELECT value FROM json_each(?))`,
    params: [...value.params, JSON.stringify(values)],
  }),
};
