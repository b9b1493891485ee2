import type { RunFilter, RunState } from '../../../domain/index.js';
import { CANCEL_ASSIGNMENTS, cancellable, RESET_ASSIGNMENTS } from '../../rows/change-statements.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { runFilterSql } from './run-filter.js';

/**
 * Cancel and reset change only the runs their filter selects, each with an audit event, in
 * one transaction. A RUNNING run loses its lease here; its worker sees that at its next
 * heartbeat and stops the process.
 */
export function cancelRuns(db: SqliteConnection, sql: StatementCache, filter: RunFilter, now: number): number {
  return changeRuns(db, sql, cancellable(filter), now, 'CANCELLED', 'cancelled', CANCEL_ASSIGNMENTS);
}

export function resetRuns(
  db: SqliteConnection,
  sql: StatementCache,
  filter: RunFilter & { states: readonly RunState[] },
  now: number,
): number {
  return changeRuns(db, sql, filter, now, 'PENDING', 'reset', RESET_ASSIGNMENTS);
}

function changeRuns(
  db: SqliteConnection,
  sql: StatementCache,
  filter: RunFilter,
  now: number,
  to: RunState,
  reason: string,
  assignments: string,
): number {
  if (filter.states?.length === 0) return 0;
  const { where, params } = runFilterSql(sql, filter);
  const select = sql.get(
    `SELECT r.id, r.state, r.attempt, r.lease_owner FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE ${where}`,
  );
  const update = sql.get(`UPDATE runs SET ${assignments} WHERE id IN (SELECT value FROM json_each(?))`);
  const event = sql.get(INSERT_EVENT);
  return db.transaction(() => {
    const rows = select.all(...params) as Array<{ id: number; state: RunState; attempt: number; lease_owner: string | null }>;
    if (rows.length === 0) return 0;
    update.run(now, JSON.stringify(rows.map((r) => r.id)));
    for (const row of rows) event.run(row.id, now, row.state, to, row.attempt, row.lease_owner, reason);
    return rows.length;
  }, 'immediate');
}
