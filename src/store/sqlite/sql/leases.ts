import type { RunState } from '../../../domain/index.js';
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

/** A RUNNING run whose lease ran out: its worker stopped heart-beating. */
const EXPIRED = `state = 'RUNNING' AND lease_expires_at < @now`;

/**
 * The lost attempt never began: no start time recorded (a run claimed ahead gets one just
 * before it begins, beginRuns) and nothing recorded under its attempt number (what did record
 * something began, whatever its start time says), which it can therefore give back.
 */
const NEVER_BEGUN = `started_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM metric_summaries s WHERE s.run_id = runs.id AND s.attempt = runs.attempt)
  AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = runs.id AND a.attempt = runs.attempt)
  AND NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.run_id = runs.id AND c.attempt = runs.attempt)`;

// A run that goes back is queued anew; one that failed for good keeps the time it was queued.
const REAP_BEGUN = `UPDATE runs SET losses = losses + 1,
    state = CASE WHEN losses + 1 >= @maxLosses THEN 'FAILED' ELSE 'PENDING' END,
    failure_reason = 'worker lost',
    error = 'worker ' || coalesce(lease_owner, '?') || ' stopped sending heartbeats; its lease expired',
    finished_at = CASE WHEN losses + 1 >= @maxLosses THEN @now ELSE NULL END,
    queued_at = CASE WHEN losses + 1 >= @maxLosses THEN queued_at ELSE @now END, lease_owner = NULL, lease_expires_at = NULL
  WHERE ${EXPIRED} AND NOT (${NEVER_BEGUN})
  RETURNING id, state, attempt, worker_id`;

// Reported with the attempt that was lost, as its events are.
const REAP_NEVER_BEGUN = `UPDATE runs SET state = 'PENDING', attempt = attempt - 1, finished_at = NULL, queued_at = @now,
    lease_owner = NULL, lease_expires_at = NULL
  WHERE ${EXPIRED} AND ${NEVER_BEGUN}
  RETURNING id, state, attempt + 1 AS attempt, worker_id`;

type ReapedRow = { id: number; state: RunState; attempt: number; worker_id: string | null };

/**
 * Runs whose worker stopped heart-beating go back to PENDING with the reason "worker lost"
 * — or to FAILED once `maxLosses` workers were lost on them, so a run that kills its worker
 * (say, by exhausting memory) cannot loop forever. A lost worker is not the run's fault:
 * it does not spend the run's retries. A run its worker had claimed ahead and never begun
 * (NEVER_BEGUN) goes back as it was: its attempt number, loss count and last error untouched;
 * it cannot have killed the worker, and innocent runs must not fail for it. A run that began
 * has its start time, so it counts its losses and never gets its attempt number twice.
 */
export function reapExpiredLeases(db: SqliteConnection, sql: StatementCache, now: number, maxLosses: number): ReapedRun[] {
  const begun = sql.get(REAP_BEGUN);
  const neverBegun = sql.get(REAP_NEVER_BEGUN);
  const event = sql.get(INSERT_EVENT);
  // Most calls find nothing: look first without taking the write lock.
  if (!sql.get(`SELECT 1 FROM runs WHERE state = 'RUNNING' AND lease_expires_at < ? LIMIT 1`).get(now)) return [];
  return db.transaction(() => {
    const reaped: ReapedRun[] = [];
    const reap = (rows: unknown[], reason: string) => {
      for (const row of rows as ReapedRow[]) {
        event.run(row.id, now, 'RUNNING', row.state, row.attempt, row.worker_id, reason);
        reaped.push({ id: row.id, state: row.state, attempt: row.attempt, workerId: row.worker_id });
      }
    };
    reap(begun.all({ now, maxLosses }), 'worker lost');
    reap(neverBegun.all({ now }), 'worker lost before starting it');
    return reaped.sort((a, b) => a.id - b.id);
  }, 'immediate');
}
