import type { FeedHead, FeedMetricPoint, FeedRunEvent } from '../../../domain/feed.js';
import type { RunEvent, RunFilter, RunRecord, RunTableRow, StateCount } from '../../../domain/index.js';
import type { AggregateQuery, AggregateRow } from '../../../query/dialect.js';
import { type AggregateSql, aggregateStatement } from '../../rows/aggregate-statement.js';
import { sortOrder } from '../../rows/page-order.js';
import { type RunTableRowText, toRunTableRow } from '../../rows/records.js';
import { RUN_COLUMNS, type RunEventRow, type RunRow, runFieldsRead, toRunEvent, toRunRecord } from '../../rows/run-row.js';
import type { ListOptions, RunPage, RunPageRequest, RunSort } from '../../types.js';
import type { PgSession } from '../pg-database.js';
import { postgresDialect } from './query-dialect.js';
import { keyLookup, runFilterSql, scopeSql } from './run-filter.js';

const FROM = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id';

export async function getRun(db: PgSession, id: number): Promise<RunRecord | undefined> {
  const [row] = await db.arrays<RunRow>(`SELECT ${RUN_COLUMNS} ${FROM} WHERE r.id = ?`, [id]);
  return row && toRunRecord(row);
}

export async function findRunsByHashPrefix(db: PgSession, prefix: string, limit: number): Promise<RunRecord[]> {
  // The prefix was checked to be hex by the caller: it holds no LIKE wildcard.
  const rows = await db.arrays<RunRow>(`SELECT ${RUN_COLUMNS} ${FROM} WHERE r.hash LIKE ? ORDER BY r.id LIMIT ?`, [`${prefix}%`, limit]);
  return rows.map(toRunRecord);
}

export async function listRuns(db: PgSession, filter: RunFilter, options: ListOptions = {}): Promise<RunRecord[]> {
  const { where, params } = await runFilterSql(db, filter);
  const rows = await db.arrays<RunRow>(`SELECT ${RUN_COLUMNS} ${FROM} WHERE ${where} ORDER BY r.id LIMIT ?::bigint OFFSET ?`, [
    ...params,
    options.limit ?? null,
    options.offset ?? 0,
  ]);
  return rows.map(toRunRecord);
}

export async function listRunFields<K extends keyof RunRecord>(
  db: PgSession,
  filter: RunFilter,
  fields: readonly [K, ...K[]],
): Promise<Array<Pick<RunRecord, K>>> {
  const { where, params } = await runFilterSql(db, filter);
  const read = runFieldsRead(fields);
  return (await db.arrays<unknown[]>(`SELECT ${read.columns} ${FROM} WHERE ${where} ORDER BY r.id`, params)).map(read.toRecord);
}

export async function countRuns(db: PgSession, filter: RunFilter): Promise<StateCount[]> {
  const { where, params } = await runFilterSql(db, filter);
  return db.all<StateCount>(
    `SELECT e.name AS experiment, r.state, count(*) AS count ${FROM} WHERE ${where} GROUP BY e.name, r.state ORDER BY e.name COLLATE "C"`,
    params,
  );
}

export async function listRunEvents(db: PgSession, runId: number): Promise<RunEvent[]> {
  return (await db.all<RunEventRow>('SELECT * FROM run_events WHERE run_id = ? ORDER BY id', [runId])).map(toRunEvent);
}

/** The runs of the filter as a table shows them, each with its metrics' last values as one JSON object. */
export async function listRunTableRows(db: PgSession, filter: RunFilter): Promise<RunTableRow[]> {
  const { where, params } = await runFilterSql(db, filter);
  const rows = await db.all<RunTableRowText>(
    `SELECT r.id, e.name AS experiment, r.state, r.attempt, r.params, r.result,
       (SELECT coalesce(json_object_agg(m.key, m.last), '{}')::text FROM metric_summaries m WHERE m.run_id = r.id) AS metrics
     ${FROM} WHERE ${where} ORDER BY r.id`,
    params,
  );
  return rows.map(toRunTableRow);
}

export async function pageRuns(db: PgSession, filter: RunFilter, request: RunPageRequest): Promise<RunPage> {
  const { where, params } = await runFilterSql(db, filter);
  const total = (await db.get<{ n: number }>(`SELECT count(*) AS n ${FROM} WHERE ${where}`, params))?.n ?? 0;
  const order = sortOrder(request.sort, request.sort && (await keyLookup(db, scopeSql(filter))), postgresDialect);
  const rows = await db.arrays<RunRow>(`SELECT ${RUN_COLUMNS} ${FROM} WHERE ${where} ORDER BY ${order.sql} LIMIT ? OFFSET ?`, [
    ...params,
    ...order.params,
    request.limit,
    request.offset,
  ]);
  return { total, runs: rows.map(toRunRecord) };
}

/** The ids of the runs a filter selects, in pageRuns' order. */
export async function orderedRunIds(db: PgSession, filter: RunFilter, sort: RunSort | undefined): Promise<number[]> {
  const { where, params } = await runFilterSql(db, filter);
  const order = sortOrder(sort, sort && (await keyLookup(db, scopeSql(filter))), postgresDialect);
  const rows = await db.all<{ id: number }>(`SELECT r.id ${FROM} WHERE ${where} ORDER BY ${order.sql}`, [...params, ...order.params]);
  return rows.map((row) => row.id);
}

const AGGREGATE_SQL: AggregateSql = {
  mean: (v) => `avg(${v})`,
  std: (v) => `stddev_samp(${v})`,
  count: (v) => `count(${v})`,
  median: (v) => `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${v})`,
  min: (v) => `min(${v})`,
  max: (v) => `max(${v})`,
  first: (v) => `(array_agg(${v} ORDER BY rid) FILTER (WHERE ${v} IS NOT NULL))[1]`,
  last: (v) => `(array_agg(${v} ORDER BY rid DESC) FILTER (WHERE ${v} IS NOT NULL))[1]`,
};

export async function aggregateRuns(db: PgSession, filter: RunFilter, query: AggregateQuery): Promise<AggregateRow[]> {
  const statement = aggregateStatement(
    await runFilterSql(db, filter),
    await keyLookup(db, scopeSql(filter)),
    postgresDialect,
    AGGREGATE_SQL,
    query,
  );
  return statement.decode(await db.all<Record<string, unknown>>(statement.sql, statement.params));
}

/** The feed: run events by id, metric points by seq (see the SQLite store's event-feed.ts). */
export async function feedHead(db: PgSession): Promise<FeedHead> {
  const row = await db.get<FeedHead>(
    'SELECT (SELECT coalesce(max(id), 0) FROM run_events) AS "runEvent", (SELECT coalesce(max(seq), 0) FROM metrics) AS metric',
  );
  return { runEvent: row?.runEvent ?? 0, metric: row?.metric ?? 0 };
}

export async function runEventsAfter(db: PgSession, afterId: number, limit: number): Promise<FeedRunEvent[]> {
  const rows = await db.all<RunEventRow & { experiment: string }>(
    `SELECT ev.*, e.name AS experiment FROM run_events ev JOIN runs r ON r.id = ev.run_id JOIN experiments e ON e.id = r.experiment_id
     WHERE ev.id > ? ORDER BY ev.id LIMIT ?`,
    [afterId, limit],
  );
  return rows.map((row) => ({ ...toRunEvent(row), experiment: row.experiment }));
}

export async function metricPointsAfter(db: PgSession, afterSeq: number, limit: number): Promise<FeedMetricPoint[]> {
  return db.all<FeedMetricPoint>(
    'SELECT seq, run_id AS "runId", attempt, key, step, at, value FROM metrics WHERE seq > ? ORDER BY seq LIMIT ?',
    [afterSeq, limit],
  );
}
