import type { RunState } from '../../../domain/index.js';
import type { ReapedRun } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { INSERT_EVENT } from './run-row.js';

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

/**
 * Runs whose worker stopped heart-beating go back to PENDING with the reason "worker lost"
 * — or to FAILED once `maxLosses` workers were lost on them, so a run that kills its worker
 * (say, by exhausting memory) cannot loop forever. A lost worker is not the run's fault:
 * it does not spend the run's retries. Runs it claimed ahead and had not recorded as started
 * (no started_at) count no loss: they cannot have killed it, and innocent runs must not fail
 * for it. A run that did kill its worker from there still counts its losses, at the latest
 * when a new worker claims it (a worker's first claim starts every run it claims).
 */
export function reapExpiredLeases(db: SqliteConnection, sql: StatementCache, now: number, maxLosses: number): ReapedRun[] {
  const reap = sql.get(
    `UPDATE runs SET losses = losses + (started_at IS NOT NULL),
       state = CASE WHEN started_at IS NOT NULL AND losses + 1 >= ? THEN 'FAILED' ELSE 'PENDING' END,
       failure_reason = 'worker lost',
       error = 'worker ' || coalesce(lease_owner, '?') || ' stopped sending heartbeats; its lease expired'
         || CASE WHEN started_at IS NULL THEN ' before it started this run (not counted as a loss)' ELSE '' END,
       finished_at = CASE WHEN started_at IS NOT NULL AND losses + 1 >= ? THEN ? ELSE NULL END,
       queued_at = ?, lease_owner = NULL, lease_expires_at = NULL
     WHERE state = 'RUNNING' AND lease_expires_at < ?
     RETURNING id, state, attempt, worker_id`,
  );
  const event = sql.get(INSERT_EVENT);
  // Most calls find nothing: look first without taking the write lock.
  if (!sql.get(`SELECT 1 FROM runs WHERE state = 'RUNNING' AND lease_expires_at < ? LIMIT 1`).get(now)) return [];
  return db.transaction(() => {
    const reaped = (
      reap.all(maxLosses, maxLosses, now, now, now) as Array<{ id: number; state: RunState; attempt: number; worker_id: string | null }>
    ).map((row) => ({ id: row.id, state: row.state, attempt: row.attempt, workerId: row.worker_id }));
    for (const run of reaped) event.run(run.id, now, 'RUNNING', run.state, run.attempt, run.workerId, 'worker lost');
    return reaped.sort((a, b) => a.id - b.id);
  }, 'immediate');
}
