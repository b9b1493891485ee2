import type { RunEvent, RunFilter, RunRecord, StateCount } from '../../../domain/index.js';
import { RUN_COLUMNS, type RunEventRow, type RunRow, runFieldsRead, toRunEvent, toRunRecord } from '../../rows/run-row.js';
import type { ListOptions } from '../../types.js';
import { plainRows } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { runFilterSql } from './run-filter.js';

const FROM = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id';

export function getRun(sql: StatementCache, id: number): RunRecord | undefined {
  const row = sql.arrays(`SELECT ${RUN_COLUMNS} ${FROM} WHERE r.id = ?`).get(id) as RunRow | undefined;
  return row && toRunRecord(row);
}

export function findRunsByHashPrefix(sql: StatementCache, prefix: string, limit: number): RunRecord[] {
  // GLOB is case-sensitive and uses no escapes; the prefix was checked to be hex by the caller.
  return (sql.arrays(`SELECT ${RUN_COLUMNS} ${FROM} WHERE r.hash GLOB ? ORDER BY r.id LIMIT ?`).all(`${prefix}*`, limit) as RunRow[]).map(
    toRunRecord,
  );
}

export function listRuns(sql: StatementCache, filter: RunFilter, options: ListOptions = {}): RunRecord[] {
  const { where, params } = runFilterSql(sql, filter);
  const rows = sql
    .arrays(`SELECT ${RUN_COLUMNS} ${FROM} WHERE ${where} ORDER BY r.id LIMIT ? OFFSET ?`)
    .all(...params, options.limit ?? -1, options.offset ?? 0) as RunRow[];
  return rows.map(toRunRecord);
}

export function listRunFields<K extends keyof RunRecord>(
  sql: StatementCache,
  filter: RunFilter,
  fields: readonly [K, ...K[]],
): Array<Pick<RunRecord, K>> {
  const { where, params } = runFilterSql(sql, filter);
  const read = runFieldsRead(fields);
  return (sql.arrays(`SELECT ${read.columns} ${FROM} WHERE ${where} ORDER BY r.id`).all(...params) as unknown[][]).map(read.toRecord);
}

export function countRuns(sql: StatementCache, filter: RunFilter): StateCount[] {
  const { where, params } = runFilterSql(sql, filter);
  const rows = sql
    .get(`SELECT e.name AS experiment, r.state, count(*) AS count ${FROM} WHERE ${where} GROUP BY e.name, r.state ORDER BY e.name`)
    .all(...params);
  return plainRows(rows);
}

export function listRunEvents(sql: StatementCache, runId: number): RunEvent[] {
  return (sql.get('SELECT * FROM run_events WHERE run_id = ? ORDER BY id').all(runId) as RunEventRow[]).map(toRunEvent);
}
