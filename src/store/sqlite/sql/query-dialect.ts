import type { JsonSource, QueryDialect, SqlFragment } from '../../../query/dialect.js';
import { JSON_SOURCES, metricSql, RUN_FIELD_SQL } from '../../rows/query-columns.js';

/** A JSON path whose labels are quoted, so a key segment is always a label, never syntax. */
function jsonPath(source: JsonSource, path: readonly string[]): string {
  return `$${[...JSON_SOURCES[source].root, ...path].map((segment) => `."${segment}"`).join('')}`;
}

const column = (source: JsonSource) => JSON_SOURCES[source].column;

export const sqliteDialect: QueryDialect = {
  field: (field) => RUN_FIELD_SQL[field],
  jsonValue: (source, path) => ({ sql: `json_extract(${column(source)}, ?)`, params: [jsonPath(source, path)] }),
  jsonType: (source, path) => ({ sql: `json_type(${column(source)}, ?)`, params: [jsonPath(source, path)] }),
  jsonLiteral: (value) => ({ sql: '?', params: [value] }),
  jsonNumber: (source, path) => ({
    sql: `(CASE WHEN json_type(${column(source)}, ?) IN ('integer', 'real') THEN json_extract(${column(source)}, ?) END)`,
    params: [jsonPath(source, path), jsonPath(source, path)],
  }),
  jsonText: (source, path) => ({ sql: `(${column(source)} -> ?)`, params: [jsonPath(source, path)] }),
  metric: metricSql,
  inList: (value: SqlFragment, values) => ({
    sql: `${value.sql} IN (SELECT value FROM json_each(?))`,
    params: [...value.params, JSON.stringify(values)],
  }),
};
