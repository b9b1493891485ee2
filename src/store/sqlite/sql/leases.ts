import { ANY_EXPIRED, type ReapedRow, reapStatements } from '../../rows/reap-statements.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import type { ReapedRun } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/**
 * Heartbeat: extends the leases the worker still holds. A run that was cancelled, reset or
 * reaped in the meantime is not returned, which tells the worker to stop it.
 */
export function renewLeases(
  db: SqliteConnection,
  sql: StatementCache,
  workerId: string,
  runIds: readonly number[],
  expiresAt: number,
  now: number,
): number[] {
  const renew = sql.get(
    `UPDATE runs SET lease_expires_at = ?
     WHERE id IN (SELECT value FROM json_each(?)) AND state = 'RUNNING' AND lease_owner = ? RETURNING id`,
  );
  const touch = sql.get('UPDATE workers SET heartbeat_at = ? WHERE id = ?');
  return db.transaction(() => {
    touch.run(now, workerId);
    if (runIds.length === 0) return [];
    return (renew.all(expiresAt, JSON.stringify(runIds), workerId) as Array<{ id: number }>).map((r) => r.id).sort((a, b) => a - b);
  }, 'immediate');
}

/** Reaps in one IMMEDIATE transaction (reapStatements), each reaped run with its audit event. */
export function reapExpiredLeases(db: SqliteConnection, sql: StatementCache, now: number, maxLosses: number): ReapedRun[] {
  const event = sql.get(INSERT_EVENT);
  if (!sql.get(ANY_EXPIRED).get(now)) return [];
  return db.transaction(() => {
    const reaped: ReapedRun[] = [];
    for (const statement of reapStatements(now, maxLosses)) {
      for (const row of sql.get(statement.sql).all(...statement.params) as ReapedRow[]) {
        event.run(row.id, now, 'RUNNING', row.state, row.attempt, row.worker_id, statement.reason);
        reaped.push({ id: row.id, state: row.state, attempt: row.attempt, workerId: row.worker_id });
      }
    }
    return reaped.sort((a, b) => a.id - b.id);
  }, 'immediate');
}
