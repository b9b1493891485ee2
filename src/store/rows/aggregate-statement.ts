import {
  type AggregateFn,
  type AggregateQuery,
  type AggregateRow,
  type KeyLookup,
  type QueryDialect,
  type SqlFragment,
  sqlOf,
} from '../../query/dialect.js';
import type { JsonValue } from '../../spec/types.js';

/** A backend's SQL for each aggregate over the column `v` of one key (`rid` is the run id, for run order). */
export type AggregateSql = Record<AggregateFn, (v: string) => string>;

/**
 * One statement: an inner select computes each run's group keys and aggregated values (JSON
 * keys as JSON text, so 1 and "1" and true stay apart), the outer one groups and aggregates.
 * Rows come in no particular order (the query layer sorts them); `decode` reads them.
 */
export function aggregateStatement(
  filter: { where: string; params: unknown[] },
  lookup: KeyLookup,
  dialect: QueryDialect,
  aggregateSql: AggregateSql,
  query: AggregateQuery,
): SqlFragment & { decode: (rows: Array<Record<string, unknown>>) => AggregateRow[] } {
  const groups = query.groupBy.map((key) => key.groupSql(lookup, dialect));
  const valueKeys = [...new Map(query.aggregates.flatMap((a) => (a.key === undefined ? [] : [[a.key.text, a.key] as const]))).values()];
  const valueIndex = new Map(valueKeys.map((key, i) => [key.text, i]));
  const columns = [
    ...groups.map((group, i) => sqlOf(`$ AS g${i}`, group)),
    ...valueKeys.map((key, i) => sqlOf(`$ AS v${i}`, key.numberSql(lookup, dialect))),
  ];
  const inner = `SELECT ${[...columns.map((c) => c.sql), 'r.id AS rid'].join(', ')}
    FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE ${filter.where}`;
  const groupColumns = groups.map((_, i) => `g${i}`);
  const aggregates = query.aggregates.map((a, i) =>
    a.key === undefined ? `count(*) AS a${i}` : `${aggregateSql[a.fn](`v${valueIndex.get(a.key.text)}`)} AS a${i}`,
  );
  const sql = `SELECT ${[...groupColumns, ...aggregates].join(', ') || 'count(*)'} FROM (${inner}) runs_in_scope${
    groupColumns.length ? ` GROUP BY ${groupColumns.join(', ')}` : ''
  }`;
  return {
    sql,
    params: [...columns.flatMap((c) => c.params), ...filter.params],
    decode: (rows) =>
      rows.map((row) => ({
        group: groups.map((group, i) => {
          const value = row[`g${i}`] as JsonValue;
          return group.json && typeof value === 'string' ? (JSON.parse(value) as JsonValue) : value;
        }),
        values: query.aggregates.map((_, i) => row[`a${i}`] as number | null),
      })),
  };
}
