import type { RunState } from '../../../domain/index.js';
import { completedExitCode, finishStatement, resultJson } from '../../rows/finish-statements.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import type { FinishRequest } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { insertEnvironment, insertEnvironments } from './environments.js';

/**
 * Records each request's outcome (finishStatement), all in one transaction (a commit costs more
 * than a short run). A batch of completions, the common case, takes three statements in all
 * instead of three or four per run.
 */
export function finishRuns(
  db: SqliteConnection,
  sql: StatementCache,
  requests: readonly FinishRequest[],
  now: number,
): Array<RunState | undefined> {
  return db.transaction(() => {
    if (requests.length > 1 && requests.every((request) => request.outcome.kind === 'completed')) return completeRuns(sql, requests, now);
    return requests.map((request) => finishOne(sql, request, now));
  }, 'immediate');
}

/** finishStatement's completion for many leases at once (fenced the same way), with their events and environments. */
const COMPLETE_MANY = `UPDATE runs SET state = 'COMPLETED', result = d.value ->> 3, exit_code = d.value ->> 4, finished_at = ?1,
    failure_reason = NULL, error = NULL, lease_owner = NULL, lease_expires_at = NULL
  FROM json_each(?2) AS d
  WHERE runs.id = d.value ->> 0 AND runs.state = 'RUNNING' AND runs.lease_owner = d.value ->> 1 AND runs.attempt = d.value ->> 2
  RETURNING runs.id`;
const COMPLETED_EVENTS = `INSERT INTO run_events (run_id, at, from_state, to_state, attempt, worker_id, reason)
  SELECT d.value ->> 0, ?1, 'RUNNING', 'COMPLETED', d.value ->> 2, d.value ->> 1, 'completed' FROM json_each(?2) AS d`;

function completeRuns(sql: StatementCache, requests: readonly FinishRequest[], now: number): Array<RunState | undefined> {
  const leases = requests.map(({ lease, outcome }) => [
    lease.runId,
    lease.workerId,
    lease.attempt,
    resultJson(outcome),
    completedExitCode(outcome),
  ]);
  const completed = new Set((sql.get(COMPLETE_MANY).all(now, JSON.stringify(leases)) as Array<{ id: number }>).map((row) => row.id));
  const done = requests.filter((request) => completed.has(request.lease.runId));
  if (done.length === 0) return requests.map(() => undefined);
  sql.get(COMPLETED_EVENTS).run(now, JSON.stringify(done.map(({ lease }) => [lease.runId, lease.workerId, lease.attempt])));
  insertEnvironments(
    sql,
    done.flatMap(({ lease, environment }) =>
      environment === undefined ? [] : [{ runId: lease.runId, attempt: lease.attempt, data: environment }],
    ),
  );
  return requests.map((request) => (completed.has(request.lease.runId) ? 'COMPLETED' : undefined));
}

/** The environment (when given) is written in the same transaction as the outcome. */
function finishOne(sql: StatementCache, { lease, outcome, environment }: FinishRequest, now: number): RunState | undefined {
  const statement = finishStatement(outcome, now);
  const row = sql.get(statement.sql).get(...statement.params, lease.runId, lease.workerId, lease.attempt) as
    | { state: RunState }
    | undefined;
  if (!row) return undefined;
  if (environment !== undefined) insertEnvironment(sql, lease.runId, lease.attempt, environment);
  sql.get(INSERT_EVENT).run(lease.runId, now, 'RUNNING', row.state, lease.attempt, lease.workerId, statement.reason);
  return row.state;
}
