import type { RunFilter } from '../../../domain/run-filter.js';
import type { AggregateQuery, AggregateRow } from '../../../query/dialect.js';
import { type AggregateSql, aggregateStatement } from '../../rows/aggregate-statement.js';
import type { AggregateFunction, SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { sqliteKeyLookup } from './key-lookup.js';
import { sqliteDialect } from './query-dialect.js';
import { runFilterSql, scopeSql } from './run-filter.js';

const AGGREGATE_SQL: AggregateSql = {
  mean: (v) => `avg(${v})`,
  std: (v) => `lb_std(${v})`,
  count: (v) => `count(${v})`,
  median: (v) => `lb_median(${v})`,
  min: (v) => `min(${v})`,
  max: (v) => `max(${v})`,
  first: (v) => `lb_first(${v}, rid)`,
  last: (v) => `lb_last(${v}, rid)`,
};

/** Groups and aggregates in one statement (aggregateStatement), with the aggregates registerAggregates defines. */
export function aggregateRuns(sql: StatementCache, filter: RunFilter, query: AggregateQuery): AggregateRow[] {
  const statement = aggregateStatement(
    runFilterSql(sql, filter),
    sqliteKeyLookup(sql, scopeSql(filter)),
    sqliteDialect,
    AGGREGATE_SQL,
    query,
  );
  return statement.decode(sql.get(statement.sql).all(...statement.params) as Array<Record<string, unknown>>);
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
