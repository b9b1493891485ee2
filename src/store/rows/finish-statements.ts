import { errorLine } from '../../util/error-line.js';
import type { RunOutcome } from '../types.js';

/**
 * The statement that records an attempt's outcome, fenced by the lease: the UPDATE matches
 * only while the run is RUNNING under this worker and attempt. A worker whose lease expired
 * (and whose run may be running elsewhere now) writes nothing — that is what makes completion
 * exactly-once. The result is written in the same statement that marks the run COMPLETED.
 * Each text ends with the fence's three placeholders: run id, worker id, attempt.
 */
const FENCE = `WHERE id = ? AND state = 'RUNNING' AND lease_owner = ? AND attempt = ?`;

const COMPLETE = `UPDATE runs SET state = 'COMPLETED', result = ?, exit_code = ?, finished_at = ?, failure_reason = NULL,
  error = NULL, lease_owner = NULL, lease_expires_at = NULL ${FENCE} RETURNING state`;

// SET expressions see the old row, so `failures + 1` is this failure's count. A run that goes
// back for a retry is queued anew; one that failed for good keeps the time it was queued.
const FAIL = `UPDATE runs SET failures = failures + 1,
  state = CASE WHEN failures + 1 > retries THEN 'FAILED' ELSE 'PENDING' END,
  failure_reason = ?, error = ?, exit_code = ?, finished_at = ?,
  queued_at = CASE WHEN failures + 1 > retries THEN queued_at ELSE ? END, lease_owner = NULL,
  lease_expires_at = NULL ${FENCE} RETURNING state`;

const RELEASE = `UPDATE runs SET state = 'PENDING', failure_reason = ?, queued_at = ?, finished_at = NULL,
  lease_owner = NULL, lease_expires_at = NULL ${FENCE} RETURNING state`;

// A run claimed ahead and never started takes back its attempt number too.
const RELEASE_NOT_STARTED = `UPDATE runs SET state = 'PENDING', attempt = attempt - 1, started_at = NULL, failure_reason = ?,
  queued_at = ?, finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL ${FENCE} RETURNING state`;

/** The fenced UPDATE (returning the new state) for one outcome, its parameters less the fence's, and the audit event's reason. */
export function finishStatement(outcome: RunOutcome, now: number): { sql: string; params: unknown[]; reason: string } {
  if (outcome.kind === 'completed')
    return { sql: COMPLETE, params: [resultJson(outcome), completedExitCode(outcome), now], reason: 'completed' };
  if (outcome.kind === 'failed') {
    return {
      sql: FAIL,
      params: [outcome.reason, outcome.error, outcome.exitCode ?? null, now, now],
      reason: `${outcome.reason}: ${errorLine(outcome.error)}`,
    };
  }
  return { sql: outcome.notStarted ? RELEASE_NOT_STARTED : RELEASE, params: [outcome.reason, now], reason: outcome.reason };
}

/** A completed run's exit status as stored (null when it has none, or did not complete). */
export function completedExitCode(outcome: RunOutcome): number | null {
  return outcome.kind === 'completed' ? (outcome.exitCode ?? null) : null;
}

/** A completed run's result as stored: its JSON text, or null when it has none. */
export function resultJson(outcome: RunOutcome): string | null {
  return outcome.kind === 'completed' && outcome.result !== null && outcome.result !== undefined ? JSON.stringify(outcome.result) : null;
}
