import type { RunState } from '../../domain/index.js';

/*
 * The reaper's two statements, portable (positional `?`, so each backend binds the same
 * values). A RUNNING run whose lease ran out lost its worker.
 */

const EXPIRED = `state = 'RUNNING' AND lease_expires_at < ?`;

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
    state = CASE WHEN losses + 1 >= ? THEN 'FAILED' ELSE 'PENDING' END,
    failure_reason = 'worker lost',
    error = 'worker ' || coalesce(lease_owner, '?') || ' stopped sending heartbeats; its lease expired',
    finished_at = CASE WHEN losses + 1 >= ? THEN CAST(? AS BIGINT) ELSE NULL END,
    queued_at = CASE WHEN losses + 1 >= ? THEN queued_at ELSE ? END, lease_owner = NULL, lease_expires_at = NULL
  WHERE ${EXPIRED} AND NOT (${NEVER_BEGUN})
  RETURNING id, state, attempt, worker_id`;

// Reported with the attempt that was lost, as its events are.
const REAP_NEVER_BEGUN = `UPDATE runs SET state = 'PENDING', attempt = attempt - 1, finished_at = NULL, queued_at = ?,
    lease_owner = NULL, lease_expires_at = NULL
  WHERE ${EXPIRED} AND ${NEVER_BEGUN}
  RETURNING id, state, attempt + 1 AS attempt, worker_id`;

/** Whether any lease ran out (most calls find none: look before writing). */
export const ANY_EXPIRED = `SELECT 1 FROM runs WHERE ${EXPIRED} LIMIT 1`;

export type ReapedRow = { id: number; state: RunState; attempt: number; worker_id: string | null };

/**
 * Runs whose worker stopped heart-beating go back to PENDING with the reason "worker lost"
 * — or to FAILED once `maxLosses` workers were lost on them, so a run that kills its worker
 * (say, by exhausting memory) cannot loop forever. A lost worker is not the run's fault:
 * it does not spend the run's retries. A run its worker had claimed ahead and never begun
 * (NEVER_BEGUN) goes back as it was: its attempt number, loss count and last error untouched;
 * it cannot have killed the worker, and innocent runs must not fail for it. A run that began
 * has its start time, so it counts its losses and never gets its attempt number twice.
 * Each statement returns ReapedRows; `reason` is their events'.
 */
export function reapStatements(now: number, maxLosses: number): Array<{ sql: string; params: unknown[]; reason: string }> {
  return [
    { sql: REAP_BEGUN, params: [maxLosses, maxLosses, now, maxLosses, now, now], reason: 'worker lost' },
    { sql: REAP_NEVER_BEGUN, params: [now, now], reason: 'worker lost before starting it' },
  ];
}
