import type { RunState } from '../../../domain/index.js';
import { errorLine } from '../../../util/error-line.js';
import type { FinishRequest } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { insertEnvironment } from './environments.js';
import { INSERT_EVENT } from './run-row.js';

/**
 * Records an attempt's outcome, fenced by the lease: the UPDATE matches only while the run
 * is RUNNING under this worker and attempt. A worker whose lease expired (and whose run may
 * be running elsewhere now) writes nothing — that is what makes completion exactly-once.
 * The result is written in the same statement that marks the run COMPLETED, the environment
 * (when given) in the same transaction.
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

/** Records each request's outcome, all in one transaction (a commit costs more than a short run). */
export function finishRuns(
  db: SqliteConnection,
  sql: StatementCache,
  requests: readonly FinishRequest[],
  now: number,
): Array<RunState | undefined> {
  return db.transaction(() => requests.map((request) => finishOne(sql, request, now)), 'immediate');
}

function finishOne(sql: StatementCache, { lease, outcome, environment }: FinishRequest, now: number): RunState | undefined {
  const fence = [lease.runId, lease.workerId, lease.attempt];
  let row: { state: RunState } | undefined;
  let reason: string;
  if (outcome.kind === 'completed') {
    const result = outcome.result === null || outcome.result === undefined ? null : JSON.stringify(outcome.result);
    row = sql.get(COMPLETE).get(result, outcome.exitCode ?? null, now, ...fence) as typeof row;
    reason = 'completed';
  } else if (outcome.kind === 'failed') {
    row = sql.get(FAIL).get(outcome.reason, outcome.error, outcome.exitCode ?? null, now, now, ...fence) as typeof row;
    reason = `${outcome.reason}: ${errorLine(outcome.error)}`;
  } else {
    row = sql.get(outcome.notStarted ? RELEASE_NOT_STARTED : RELEASE).get(outcome.reason, now, ...fence) as typeof row;
    reason = outcome.reason;
  }
  if (!row) return undefined;
  if (environment !== undefined) insertEnvironment(sql, lease.runId, lease.attempt, environment);
  sql.get(INSERT_EVENT).run(lease.runId, now, 'RUNNING', row.state, lease.attempt, lease.workerId, reason);
  return row.state;
}
