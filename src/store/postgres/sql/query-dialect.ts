import type { JsonSource, QueryDialect, SqlFragment } from '../../../query/dialect.js';
import { JSON_SOURCES, metricSql, RUN_FIELD_SQL } from '../../rows/query-columns.js';

/*
 * The query compiler's dialect on PostgreSQL. JSON is stored as text; the functions of
 * migration 0004 read it as jsonb: lb_json (the value at a path, jsonb, compared with jsonb
 * literals so numbers compare as numbers and strings as strings), lb_json_type (SQLite's
 * json_type names), lb_json_number. Paths travel as one bound text[] parameter.
 */

const column = (source: JsonSource) => JSON_SOURCES[source].column;
const path = (source: JsonSource, segments: readonly string[]) => [...JSON_SOURCES[source].root, ...segments];
const call = (fn: string, source: JsonSource, segments: readonly string[]): SqlFragment => ({
  sql: `${fn}(${column(source)}, ?::text[])`,
  params: [path(source, segments)],
});

export const postgresDialect: QueryDialect = {
  field: (field) => RUN_FIELD_SQL[field],
  jsonValue: (source, segments) => call('lb_json', source, segments),
  jsonType: (source, segments) => call('lb_json_type', source, segments),
  jsonLiteral: (value) => ({ sql: '?::jsonb', params: [JSON.stringify(value)] }),
  jsonNumber: (source, segments) => call('lb_json_number', source, segments),
  jsonText: (source, segments) => {
    const value = call('lb_json', source, segments);
    return { sql: `(${value.sql})::text`, params: value.params };
  },
  metric: metricSql,
  // to_jsonb makes a column of any type comparable with the list's JSON values.
  inList: (value, values) => ({
    sql: `to_jsonb(${value.sql}) IN (SELECT jsonb_array_elements(?::jsonb))`,
    params: [...value.params, JSON.stringify(values)],
  }),
};
