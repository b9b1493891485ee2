import type { RunRecord, RunState } from '../../../domain/index.js';
import { ENSURE_EXPERIMENT } from '../../rows/records.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import type { HandRunRequest, HandRunStart } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { getRun } from './read-runs.js';

/**
 * Starts the attempt of a run recorded by hand, in one IMMEDIATE transaction: the experiment
 * is made (with no spec version) when it is new, the run of the parameters found by its hash
 * (the latest of them) or added without a spec version, and it becomes RUNNING under the
 * caller's lease. A run held under a lease that has not expired is left alone.
 */
export function startRunByHand(db: SqliteConnection, sql: StatementCache, request: HandRunRequest): HandRunStart {
  const { now } = request;
  return db.transaction(() => {
    sql.get(ENSURE_EXPERIMENT).run(request.experiment, JSON.stringify(request.spec), now, now);
    const { id: experimentId } = sql.get('SELECT id FROM experiments WHERE name = ?').get(request.experiment) as { id: number };
    const found = sql
      .get(
        `SELECT r.id, r.state, r.lease_expires_at FROM run_hashes k JOIN runs r ON r.id = k.run_id
         WHERE k.hash_prefix = substr(?1, 1, 16) AND k.experiment_id = ?2 AND r.hash = ?1 ORDER BY r.id DESC LIMIT 1`,
      )
      .get(request.hash, experimentId) as { id: number; state: RunState; lease_expires_at: number | null } | undefined;
    if (found?.state === 'RUNNING' && found.lease_expires_at !== null && found.lease_expires_at >= now) {
      return { busy: getRun(sql, found.id) as RunRecord };
    }
    const runId =
      found?.id ??
      Number(
        sql
          .get('INSERT INTO runs (experiment_id, hash, params, created_at, queued_at) VALUES (?, ?, ?, ?, ?)')
          .run(experimentId, request.hash, request.paramsJson, now, now).lastInsertRowid,
      );
    sql
      .get(
        `UPDATE runs SET state = 'RUNNING', attempt = attempt + 1, lease_owner = ?, lease_expires_at = ?, worker_id = ?,
           started_at = ?, finished_at = NULL, exit_code = NULL, failure_reason = NULL, error = NULL, result = NULL
         WHERE id = ?`,
      )
      .run(request.workerId, request.leaseExpiresAt, request.workerId, now, runId);
    const run = getRun(sql, runId) as RunRecord;
    sql.get(INSERT_EVENT).run(runId, now, found?.state ?? null, 'RUNNING', run.attempt, request.workerId, 'run by hand');
    return { started: run };
  }, 'immediate');
}
