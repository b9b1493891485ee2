import type { RunFilter, RunRecord, RunState } from '../../../domain/index.js';
import { partsOfSplits, skeletonJson, splitEnvironment } from '../../environment-parts.js';
import { CANCEL_ASSIGNMENTS, cancellable, RESET_ASSIGNMENTS } from '../../rows/change-statements.js';
import { completedExitCode, finishStatement, resultJson } from '../../rows/finish-statements.js';
import { ANY_EXPIRED, type ReapedRow, reapStatements } from '../../rows/reap-statements.js';
import { ENSURE_EXPERIMENT } from '../../rows/records.js';
import { RUN_COLUMNS, type RunRow, toRunRecord } from '../../rows/run-row.js';
import type { ClaimRequest, FinishRequest, HandRunRequest, HandRunStart, ReapedRun } from '../../types.js';
import type { PgDatabase, PgSession } from '../pg-database.js';
import { insertEvents, notifyPending } from './events.js';
import { getRun } from './reads.js';
import { runFilterSql } from './run-filter.js';
import { insertEnvironment, insertEnvironmentParts } from './tracking.js';

const byClaimOrder = (a: RunRecord, b: RunRecord) => b.priority - a.priority || a.id - b.id;

/**
 * Claims up to `limit` pending runs for one worker, in one statement (one round trip, atomic
 * without a transaction): FOR UPDATE SKIP LOCKED makes workers claiming at once lock different
 * pending runs, none waiting for another, and no run claimed twice; the claim events are written
 * by the same statement. Runs claimed ahead (beyond `startNow`) get no start time until they begin.
 */
export async function claimRuns(db: PgSession, request: ClaimRequest): Promise<RunRecord[]> {
  const conditions = ["r.state = 'PENDING'"];
  const pickArgs: unknown[] = [];
  if (request.experiments) {
    conditions.push('r.experiment_id IN (SELECT id FROM experiments WHERE name = ANY(?::text[]))');
    pickArgs.push([...request.experiments]);
  }
  if (request.excludeExperiments?.length) {
    conditions.push('r.experiment_id NOT IN (SELECT id FROM experiments WHERE name = ANY(?::text[]))');
    pickArgs.push([...request.excludeExperiments]);
  }
  const rows = await db.arrays<RunRow>(
    `WITH picked AS (
       SELECT r.id, r.priority FROM runs r WHERE ${conditions.join(' AND ')}
       ORDER BY r.priority DESC, r.id LIMIT ? FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE runs r SET state = 'RUNNING', attempt = r.attempt + 1, lease_owner = ?, lease_expires_at = ?, worker_id = ?,
         started_at = CASE WHEN r.id IN (SELECT id FROM picked ORDER BY priority DESC, id LIMIT ?) THEN ?::bigint END,
         finished_at = NULL
       FROM experiments e WHERE e.id = r.experiment_id AND r.id IN (SELECT id FROM picked)
       RETURNING ${RUN_COLUMNS}),
     events AS (
       INSERT INTO run_events (run_id, at, from_state, to_state, attempt, worker_id, reason)
       SELECT id, ?, 'PENDING', 'RUNNING', attempt, ?, 'claimed' FROM claimed ORDER BY priority DESC, id)
     SELECT * FROM claimed`,
    [
      ...pickArgs,
      request.limit,
      request.workerId,
      request.leaseExpiresAt,
      request.workerId,
      request.startNow ?? request.limit,
      request.now,
      request.now,
      request.workerId,
    ],
  );
  return rows.map(toRunRecord).sort(byClaimOrder);
}

/** Gives runs a worker claimed ahead their start time, before it begins them; returns the ids it still holds. */
export async function beginRuns(db: PgSession, workerId: string, runIds: readonly number[], now: number): Promise<number[]> {
  const rows = await db.all<{ id: number }>(
    `UPDATE runs SET started_at = coalesce(started_at, ?)
     WHERE id = ANY(?::bigint[]) AND state = 'RUNNING' AND lease_owner = ? RETURNING id`,
    [now, [...runIds], workerId],
  );
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/** Heartbeat: extends the leases the worker still holds (a run cancelled, reset or reaped meanwhile is not returned). */
export async function renewLeases(db: PgDatabase, workerId: string, runIds: readonly number[], expiresAt: number, now: number) {
  return db.transaction(async (tx) => {
    await tx.run('UPDATE workers SET heartbeat_at = ? WHERE id = ?', [now, workerId]);
    if (runIds.length === 0) return [];
    const rows = await tx.all<{ id: number }>(
      `UPDATE runs SET lease_expires_at = ? WHERE id = ANY(?::bigint[]) AND state = 'RUNNING' AND lease_owner = ? RETURNING id`,
      [expiresAt, [...runIds], workerId],
    );
    return rows.map((r) => r.id).sort((a, b) => a - b);
  });
}

/**
 * Records each request's outcome (finishStatement, fenced by its lease) in one transaction.
 * A batch of completions, what a busy worker sends most, is one statement instead (and one
 * for its environments' parts): a round trip or two for the whole batch.
 */
export async function finishRuns(db: PgDatabase, requests: readonly FinishRequest[], now: number): Promise<Array<RunState | undefined>> {
  if (requests.every((r) => r.outcome.kind === 'completed')) return completeRuns(db, requests, now);
  return db.transaction(async (tx) => {
    const states: Array<RunState | undefined> = [];
    let requeued = false;
    for (const { lease, outcome, environment } of requests) {
      const statement = finishStatement(outcome, now);
      const row = await tx.get<{ state: RunState }>(statement.sql, [...statement.params, lease.runId, lease.workerId, lease.attempt]);
      states.push(row?.state);
      if (!row) continue;
      if (environment !== undefined) await insertEnvironment(tx, lease.runId, lease.attempt, environment);
      await insertEvents(tx, now, [
        { runId: lease.runId, from: 'RUNNING', to: row.state, attempt: lease.attempt, workerId: lease.workerId, reason: statement.reason },
      ]);
      requeued ||= row.state === 'PENDING';
    }
    if (requeued) await notifyPending(tx);
    return states;
  });
}

/** finishStatement's completion for many leases at once, with their events and environments. */
async function completeRuns(db: PgDatabase, requests: readonly FinishRequest[], now: number): Promise<Array<RunState | undefined>> {
  const environments = requests.map((r) => (r.environment === undefined ? undefined : splitEnvironment(r.environment)));
  const parts = partsOfSplits(environments);
  const complete = (session: PgSession) =>
    session.all<{ id: number }>(
      `WITH done AS (
         UPDATE runs r SET state = 'COMPLETED', result = u.result, exit_code = u.exit_code, finished_at = ?, failure_reason = NULL,
           error = NULL, lease_owner = NULL, lease_expires_at = NULL
         FROM unnest(?::bigint[], ?::text[], ?::int[], ?::text[], ?::int[], ?::text[]) AS u(id, worker_id, attempt, result, exit_code, environment)
         WHERE r.id = u.id AND r.state = 'RUNNING' AND r.lease_owner = u.worker_id AND r.attempt = u.attempt
         RETURNING r.id, r.attempt, u.worker_id, u.environment),
       events AS (
         INSERT INTO run_events (run_id, at, from_state, to_state, attempt, worker_id, reason)
         SELECT id, ?, 'RUNNING', 'COMPLETED', attempt, worker_id, 'completed' FROM done ORDER BY id),
       environments AS (
         INSERT INTO environments (run_id, attempt, data) SELECT id, attempt, environment FROM done WHERE environment IS NOT NULL
         ON CONFLICT (run_id, attempt) DO UPDATE SET data = excluded.data)
       SELECT id FROM done`,
      [
        now,
        requests.map((r) => r.lease.runId),
        requests.map((r) => r.lease.workerId),
        requests.map((r) => r.lease.attempt),
        requests.map((r) => resultJson(r.outcome)),
        requests.map((r) => completedExitCode(r.outcome)),
        environments.map((split) => (split ? skeletonJson(split) : null)),
        now,
      ],
    );
  const rows =
    parts.size === 0
      ? await complete(db)
      : await db.transaction(async (tx) => {
          await insertEnvironmentParts(tx, parts);
          return complete(tx);
        });
  const done = new Set(rows.map((row) => row.id));
  return requests.map((r) => (done.has(r.lease.runId) ? 'COMPLETED' : undefined));
}

/** See reapStatements: runs whose lease ran out go back to PENDING, or FAILED after `maxLosses` lost workers. */
export async function reapExpiredLeases(db: PgDatabase, now: number, maxLosses: number): Promise<ReapedRun[]> {
  if (!(await db.get(ANY_EXPIRED, [now]))) return [];
  return db.transaction(async (tx) => {
    const reaped: ReapedRun[] = [];
    for (const statement of reapStatements(now, maxLosses)) {
      const rows = await tx.all<ReapedRow>(statement.sql, statement.params);
      await insertEvents(
        tx,
        now,
        rows.map((row) => ({
          runId: row.id,
          from: 'RUNNING',
          to: row.state,
          attempt: row.attempt,
          workerId: row.worker_id,
          reason: statement.reason,
        })),
      );
      reaped.push(...rows.map((row) => ({ id: row.id, state: row.state, attempt: row.attempt, workerId: row.worker_id })));
    }
    if (reaped.some((run) => run.state === 'PENDING')) await notifyPending(tx);
    return reaped.sort((a, b) => a.id - b.id);
  });
}

/** PENDING or RUNNING runs of the filter become CANCELLED (a RUNNING one loses its lease: its worker stops it at its next heartbeat). */
export function cancelRuns(db: PgDatabase, filter: RunFilter, now: number): Promise<number> {
  return changeRuns(db, cancellable(filter), now, 'CANCELLED', 'cancelled', CANCEL_ASSIGNMENTS);
}

export function resetRuns(db: PgDatabase, filter: RunFilter & { states: readonly RunState[] }, now: number): Promise<number> {
  return changeRuns(db, filter, now, 'PENDING', 'reset', RESET_ASSIGNMENTS);
}

/** The runs the filter selects, locked, change state in one transaction, each with its audit event. */
async function changeRuns(db: PgDatabase, filter: RunFilter, now: number, to: RunState, reason: string, assignments: string) {
  if (filter.states?.length === 0) return 0;
  const { where, params } = await runFilterSql(db, filter);
  return db.transaction(async (tx) => {
    const rows = await tx.all<{ id: number; state: RunState; attempt: number; lease_owner: string | null }>(
      `SELECT r.id, r.state, r.attempt, r.lease_owner FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE ${where}
       ORDER BY r.id FOR UPDATE OF r`,
      params,
    );
    if (rows.length === 0) return 0;
    await tx.run(`UPDATE runs SET ${assignments} WHERE id = ANY(?::bigint[])`, [now, rows.map((r) => r.id)]);
    await insertEvents(
      tx,
      now,
      rows.map((row) => ({ runId: row.id, from: row.state, to, attempt: row.attempt, workerId: row.lease_owner, reason })),
    );
    if (to === 'PENDING') await notifyPending(tx);
    return rows.length;
  });
}

/**
 * Starts the attempt of a run recorded by hand: the experiment is made (with no spec
 * version) when it is new and its row locked, the run of the parameters found by its hash
 * (the latest of them) or added without a spec version, and it becomes RUNNING under the
 * caller's lease. A run held under a lease that has not expired is left alone.
 */
export async function startRunByHand(db: PgDatabase, request: HandRunRequest): Promise<HandRunStart> {
  const { now } = request;
  return db.transaction(async (tx) => {
    await tx.run(ENSURE_EXPERIMENT, [request.experiment, JSON.stringify(request.spec), now, now]);
    const { id: experimentId } = (await tx.get<{ id: number }>('SELECT id FROM experiments WHERE name = ? FOR UPDATE', [
      request.experiment,
    ])) as { id: number };
    const found = await tx.get<{ id: number; state: RunState; lease_expires_at: number | null }>(
      'SELECT id, state, lease_expires_at FROM runs WHERE experiment_id = ? AND hash = ? ORDER BY id DESC LIMIT 1',
      [experimentId, request.hash],
    );
    if (found?.state === 'RUNNING' && found.lease_expires_at !== null && found.lease_expires_at >= now) {
      return { busy: (await getRun(tx, found.id)) as RunRecord };
    }
    const runId =
      found?.id ??
      ((
        await tx.get<{ id: number }>(
          'INSERT INTO runs (experiment_id, hash, params, created_at, queued_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
          [experimentId, request.hash, request.paramsJson, now, now],
        )
      )?.id as number);
    await tx.run(
      `UPDATE runs SET state = 'RUNNING', attempt = attempt + 1, lease_owner = ?, lease_expires_at = ?, worker_id = ?,
         started_at = ?, finished_at = NULL, exit_code = NULL, failure_reason = NULL, error = NULL, result = NULL
       WHERE id = ?`,
      [request.workerId, request.leaseExpiresAt, request.workerId, now, runId],
    );
    const run = (await getRun(tx, runId)) as RunRecord;
    await insertEvents(tx, now, [
      { runId, from: found?.state ?? null, to: 'RUNNING', attempt: run.attempt, workerId: request.workerId, reason: 'run by hand' },
    ]);
    return { started: run };
  });
}
