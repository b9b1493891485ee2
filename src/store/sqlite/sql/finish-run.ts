import type { RunState } from '../../../domain/index.js';
import { finishStatement } from '../../rows/finish-statements.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import type { FinishRequest } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { insertEnvironment } from './environments.js';

/** Records each request's outcome (finishStatement), all in one transaction (a commit costs more than a short run). */
export function finishRuns(
  db: SqliteConnection,
  sql: StatementCache,
  requests: readonly FinishRequest[],
  now: number,
): Array<RunState | undefined> {
  return db.transaction(() => requests.map((request) => finishOne(sql, request, now)), 'immediate');
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
