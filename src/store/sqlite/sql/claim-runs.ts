import type { RunRecord } from '../../../domain/index.js';
import { RUN_COLUMNS, type RunRow, toRunRecord } from '../../rows/run-row.js';
import type { ClaimRequest } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/**
 * Claims up to `limit` pending runs for one worker. SQLite has one writer at a time, so an
 * IMMEDIATE transaction (the write lock taken up front, waiting under busy_timeout) makes
 * the select-then-update atomic: two workers can never claim the same run. The partial
 * index runs_pending serves the ORDER BY without scanning finished runs. Runs claimed ahead
 * (beyond `startNow`) get no start time until they begin (beginRuns).
 */
const PICK = `SELECT r.id FROM runs r WHERE r.state = 'PENDING'`;
const ORDER = 'ORDER BY r.priority DESC, r.id LIMIT ?';
const ONLY = `r.experiment_id IN (SELECT id FROM experiments WHERE name IN (SELECT value FROM json_each(?)))`;
// One experiment (a driver's session, `labbook run`): its pending runs come in claim order from
// runs_pending_by_experiment. With ONLY, SQLite sorts all of them at every claim.
const ONLY_ONE = 'r.experiment_id = (SELECT id FROM experiments WHERE name = ?)';
const NOT = `r.experiment_id NOT IN (SELECT id FROM experiments WHERE name IN (SELECT value FROM json_each(?)))`;

export function claimRuns(db: SqliteConnection, sql: StatementCache, request: ClaimRequest): RunRecord[] {
  const conditions: string[] = [];
  const pickArgs: unknown[] = [];
  if (request.experiments?.length === 1) {
    conditions.push(ONLY_ONE);
    pickArgs.push(request.experiments[0]);
  } else if (request.experiments) {
    conditions.push(ONLY);
    pickArgs.push(JSON.stringify(request.experiments));
  }
  if (request.excludeExperiments?.length) {
    conditions.push(NOT);
    pickArgs.push(JSON.stringify(request.excludeExperiments));
  }
  const pick = sql.get(`${[PICK, ...conditions].join(' AND ')} ${ORDER}`);
  pickArgs.push(request.limit);
  const update = sql.get(
    `UPDATE runs SET state = 'RUNNING', attempt = attempt + 1, lease_owner = ?, lease_expires_at = ?, worker_id = ?,
       started_at = CASE WHEN id IN (SELECT value FROM json_each(?)) THEN ? END, finished_at = NULL
     WHERE id IN (SELECT value FROM json_each(?)) AND state = 'PENDING'`,
  );
  const read = sql.arrays(`SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
    WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.priority DESC, r.id`);
  const events = sql.get(`INSERT INTO run_events (run_id, at, from_state, to_state, attempt, worker_id, reason)
    SELECT d.value ->> 0, ?, 'PENDING', 'RUNNING', d.value ->> 1, ?, 'claimed' FROM json_each(?) AS d`);
  return db.transaction(() => {
    const ids = (pick.all(...pickArgs) as Array<{ id: number }>).map((row) => row.id);
    if (ids.length === 0) return [];
    const idList = JSON.stringify(ids);
    const startingNow = JSON.stringify(ids.slice(0, request.startNow ?? ids.length));
    update.run(request.workerId, request.leaseExpiresAt, request.workerId, startingNow, request.now, idList);
    const runs = (read.all(idList) as RunRow[]).map(toRunRecord);
    events.run(request.now, request.workerId, JSON.stringify(runs.map((run) => [run.id, run.attempt])));
    return runs;
  }, 'immediate');
}

/**
 * Gives runs a worker claimed ahead their start time, before it begins them: from then on a
 * lost worker costs them a loss and their attempt number (reapExpiredLeases). One statement, so
 * one commit for the runs that begin together. Returns the ids the worker still holds.
 */
export function beginRuns(sql: StatementCache, workerId: string, runIds: readonly number[], now: number): number[] {
  const begin = sql.get(
    `UPDATE runs SET started_at = coalesce(started_at, ?)
     WHERE id IN (SELECT value FROM json_each(?)) AND state = 'RUNNING' AND lease_owner = ? RETURNING id`,
  );
  return (begin.all(now, JSON.stringify(runIds), workerId) as Array<{ id: number }>).map((row) => row.id).sort((a, b) => a - b);
}
