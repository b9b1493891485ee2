import type { RunFilter } from '../../../domain/run-filter.js';
import { type AggregateFn, type AggregateQuery, type AggregateRow, sqlOf } from '../../../query/dialect.js';
import type { JsonValue } from '../../../spec/types.js';
import type { AggregateFunction, SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { sqliteKeyLookup } from './key-lookup.js';
import { sqliteDialect } from './query-dialect.js';
import { runFilterSql, scopeSql } from './run-filter.js';

/** SQL for each aggregate over the column `v` of one key (`rid` is the run id, for run order). */
const AGGREGATE_SQL: Record<AggregateFn, (v: string) => string> = {
  mean: (v) => `avg(${v})`,
  std: (v) => `lb_std(${v})`,
  count: (v) => `count(${v})`,
  median: (v) => `lb_median(${v})`,
  min: (v) => `min(${v})`,
  max: (v) => `max(${v})`,
  first: (v) => `lb_first(${v}, rid)`,
  last: (v) => `lb_last(${v}, rid)`,
};

/**
 * One statement: an inner select computes each run's group keys and aggregated values (JSON
 * keys as JSON text, so 1 and "1" and true stay apart), the outer one groups and aggregates.
 * Rows come in no particular order (the query layer sorts them).
 */
export function aggregateRuns(sql: StatementCache, filter: RunFilter, query: AggregateQuery): AggregateRow[] {
  const { where, params } = runFilterSql(sql, filter);
  const lookup = sqliteKeyLookup(sql, scopeSql(filter));
  const groups = query.groupBy.map((key) => key.groupSql(lookup, sqliteDialect));
  const valueKeys = [...new Map(query.aggregates.flatMap((a) => (a.key === undefined ? [] : [[a.key.text, a.key] as const]))).values()];
  const valueIndex = new Map(valueKeys.map((key, i) => [key.text, i]));
  const columns = [
    ...groups.map((group, i) => sqlOf(`$ AS g${i}`, group)),
    ...valueKeys.map((key, i) => sqlOf(`$ AS v${i}`, key.numberSql(lookup, sqliteDialect))),
  ];
  const inner = `SELECT ${[...columns.map((c) => c.sql), 'r.id AS rid'].join(', ')}
    FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE ${where}`;
  const groupColumns = groups.map((_, i) => `g${i}`);
  const aggregates = query.aggregates.map((a, i) =>
    a.key === undefined ? `count(*) AS a${i}` : `${AGGREGATE_SQL[a.fn](`v${valueIndex.get(a.key.text)}`)} AS a${i}`,
  );
  const text = `SELECT ${[...groupColumns, ...aggregates].join(', ') || 'count(*)'} FROM (${inner})${
    groupColumns.length ? ` GROUP BY ${groupColumns.join(', ')}` : ''
  }`;
  const rows = sql.get(text).all(...columns.flatMap((c) => c.params), ...params) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    group: groups.map((group, i) => {
      const value = row[`g${i}`] as JsonValue;
      return group.json && typeof value === 'string' ? (JSON.parse(value) as JsonValue) : value;
    }),
    values: query.aggregates.map((_, i) => row[`a${i}`] as number | null),
  }));
}

interface Welford {
  n: number;
  mean: number;
  m2: number;
}

interface Ordered {
  order: number | null;
  value: number | null;
}

/** Sample standard deviation (Welford), median, and first / last in run order. */
export function registerAggregates(db: SqliteConnection): void {
  db.aggregate<Welford>('lb_std', {
    start: () => ({ n: 0, mean: 0, m2: 0 }),
    step: (s, x: number | null) => {
      if (x === null) return s;
      s.n++;
      const delta = x - s.mean;
      s.mean += delta / s.n;
      s.m2 += delta * (x - s.mean);
      return s;
    },
    result: (s) => (s.n > 1 ? Math.sqrt(s.m2 / (s.n - 1)) : null),
  });
  db.aggregate<number[]>('lb_median', {
    start: () => [],
    step: (values, x: number | null) => {
      if (x !== null) values.push(x);
      return values;
    },
    result: (values) => {
      if (values.length === 0) return null;
      values.sort((a, b) => a - b);
      const mid = values.length >> 1;
      return values.length % 2 ? (values[mid] as number) : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
    },
  });
  const ordered = (later: (a: number, b: number) => boolean): AggregateFunction<Ordered> => ({
    start: () => ({ order: null, value: null }),
    step: (s, x: number | null, order: number) => {
      if (x !== null && (s.order === null || later(order, s.order))) {
        s.order = order;
        s.value = x;
      }
      return s;
    },
    result: (s) => s.value,
  });
  db.aggregate(
    'lb_first',
    ordered((a, b) => a < b),
  );
  db.aggregate(
    'lb_last',
    ordered((a, b) => a > b),
  );
}
