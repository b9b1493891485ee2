import type { RunFilter } from '../../../domain/run-filter.js';
import { sortOrder } from '../../rows/page-order.js';
import { RUN_COLUMNS, type RunRow, toRunRecord } from '../../rows/run-row.js';
import type { RunPage, RunPageRequest, RunSort } from '../../types.js';
import type { StatementCache } from '../statement-cache.js';
import { sqliteKeyLookup } from './key-lookup.js';
import { sqliteDialect } from './query-dialect.js';
import { runFilterSql, scopeSql } from './run-filter.js';

const FROM = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id';

/**
 * One page of the runs a filter selects, with how many it selects in all: what a table that
 * scrolls through 100,000 runs asks for. The sort key is any key a query can name
 * (`lr`, `metrics.val.loss.min`, `started`); runs without it come last, ties in run order.
 */
export function pageRuns(sql: StatementCache, filter: RunFilter, request: RunPageRequest): RunPage {
  const { where, params } = runFilterSql(sql, filter);
  const total = (sql.get(`SELECT count(*) AS n ${FROM} WHERE ${where}`).get(...params) as { n: number }).n;
  const order = sortOrder(request.sort, request.sort && sqliteKeyLookup(sql, scopeSql(filter)), sqliteDialect);
  const rows = sql
    .arrays(`SELECT ${RUN_COLUMNS} ${FROM} WHERE ${where} ORDER BY ${order.sql} LIMIT ? OFFSET ?`)
    .all(...params, ...order.params, request.limit, request.offset) as RunRow[];
  return { total, runs: rows.map(toRunRecord) };
}

/** The ids of the runs a filter selects, in pageRuns' order. */
export function orderedRunIds(sql: StatementCache, filter: RunFilter, sort: RunSort | undefined): number[] {
  const { where, params } = runFilterSql(sql, filter);
  const order = sortOrder(sort, sort && sqliteKeyLookup(sql, scopeSql(filter)), sqliteDialect);
  const statement = sql.get(`SELECT r.id ${FROM} WHERE ${where} ORDER BY ${order.sql}`);
  return (statement.all(...params, ...order.params) as Array<{ id: number }>).map((row) => row.id);
}
