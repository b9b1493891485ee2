import type * as D from '../../../domain/study.js';
import { StudyExistsError } from '../../../errors.js';
import type { TrialParams } from '../../../search/types.js';
import { canonicalJson } from '../../../spec/canonical-json.js';
import { sha256Hex } from '../../../spec/run-hash.js';
import { ENSURE_EXPERIMENT } from '../../rows/records.js';
import * as R from '../../rows/study-rows.js';
import type { TrialHistoryCache } from '../../rows/trial-history-cache.js';
import type { PgDatabase, PgSession } from '../pg-database.js';
import { insertEvents, notifyPending } from './events.js';

/*
 * Studies on PostgreSQL (migration 0005), with the SQLite store's semantics. Every change of a
 * study's trials runs in one transaction that first locks the study's row (FOR UPDATE), so the
 * asks, tells and reports of all clients are serialised per study as SQLite's write lock
 * serialises them: two clients never get the same trial, and a trial is told once.
 */

/** Locks the study's row for the rest of the transaction; false when there is no such study. */
async function lockStudy(tx: PgSession, studyId: number): Promise<boolean> {
  return (await tx.get('SELECT id FROM studies WHERE id = ? FOR UPDATE', [studyId])) !== undefined;
}

export function createStudy(db: PgDatabase, definition: D.StudyDefinition, now: number, loadIfExists: boolean): Promise<D.StudyRecord> {
  return db.transaction(async (tx) => {
    await tx.run(ENSURE_EXPERIMENT, [definition.experiment, R.studyExperimentSpec(definition), now, now]);
    const experiment = (await tx.get<{ id: number }>('SELECT id FROM experiments WHERE name = ?', [definition.experiment])) as {
      id: number;
    };
    // ON CONFLICT: of two clients creating one study at once, the second loads (or is refused) instead of failing.
    const added = await tx.run(`${R.INSERT_STUDY} ON CONFLICT (name) DO NOTHING`, R.studyValues(definition, experiment.id, now));
    if (added === 0 && !loadIfExists) throw new StudyExistsError(definition.name);
    return (await getStudy(tx, definition.name)) as D.StudyRecord;
  });
}

export async function getStudy(db: PgSession, name: string): Promise<D.StudyRecord | undefined> {
  const row = await db.get<R.StudyRow>(`${R.SELECT_STUDY} WHERE s.name = ?`, [name]);
  return row && R.toStudy(row);
}

export async function listStudies(db: PgSession): Promise<D.StudyRecord[]> {
  return (await db.all<R.StudyRow>(`${R.SELECT_STUDY} ORDER BY s.id`)).map(R.toStudy);
}

/** The study's trials by number, with their intermediate values. */
export async function listTrials(db: PgSession, studyId: number): Promise<D.TrialRecord[]> {
  const rows = await db.all<R.TrialRow>(R.TRIALS_CHANGED_SINCE, [studyId, -1]);
  const byNumber = R.reportsOf(await db.all<R.ReportRow>(R.REPORTS_CHANGED_SINCE, [studyId, -1]));
  return rows.map((row) => R.toTrial(row, byNumber.get(row.number)));
}

/**
 * The study's trials as cached, brought up to date first: only under the study's lock, where
 * the changes of this store's transactions cannot interleave (a read of the history outside
 * the lock could land after a later one and put older trials back).
 */
async function currentTrials(tx: PgSession, cache: TrialHistoryCache, studyId: number): Promise<readonly D.TrialRecord[]> {
  const { trial_seq: seq } = (await tx.get<{ trial_seq: number }>(R.STUDY_SEQ, [studyId])) as { trial_seq: number };
  const since = cache.since(studyId, seq);
  if (since !== seq) {
    const rows = await tx.all<R.TrialRow>(R.TRIALS_CHANGED_SINCE, [studyId, since]);
    cache.update(studyId, seq, rows, await tx.all<R.ReportRow>(R.REPORTS_CHANGED_SINCE, [studyId, since]));
  }
  return cache.trials(studyId);
}

async function getTrial(tx: PgSession, studyId: number, number: number): Promise<D.TrialRecord | undefined> {
  const row = await tx.get<R.TrialRow>(`SELECT ${R.TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number = ?`, [studyId, number]);
  if (!row) return undefined;
  const reports = await tx.all<R.ReportRow>(
    'SELECT number, step, value FROM trial_reports WHERE study_id = ? AND number = ? ORDER BY step',
    [studyId, number],
  );
  return R.toTrial(row, R.reportsOf(reports).get(number));
}

async function nextSeq(tx: PgSession, studyId: number): Promise<number> {
  return ((await tx.get<{ trial_seq: number }>(R.NEXT_SEQ, [studyId])) as { trial_seq: number }).trial_seq;
}

/**
 * Under the study's lock: the expired RUNNING trial of the lowest number is handed out again,
 * else the history is read and the next trial proposed and written with its run. `propose` is a
 * pure function of the history, so a transaction run again after a lost connection proposes the same.
 * The trial written goes into the trial cache once committed rather than being read back.
 */
export async function askTrial(db: PgDatabase, cache: TrialHistoryCache, request: D.TrialAskRequest): Promise<D.TrialAsked | undefined> {
  const { studyId, owner, now, leaseExpiresAt } = request;
  const { asked, seq } = await db.transaction(async (tx): Promise<{ asked?: D.TrialAsked; seq?: number }> => {
    if (!(await lockStudy(tx, studyId))) return {};
    const expired = await tx.get<{ number: number }>(R.EXPIRED_TRIAL, [studyId, now]);
    if (expired) return { asked: { trial: await reaskTrial(tx, studyId, expired.number, owner, now, leaseExpiresAt), reasked: true } };
    const history = [...(await currentTrials(tx, cache, studyId))];
    const number = history.length;
    const study = R.toStudy((await tx.get<R.StudyRow>(`${R.SELECT_STUDY} WHERE s.id = ?`, [studyId])) as R.StudyRow);
    const params = request.propose({ directions: study.directions, trials: history }, number);
    if (params === undefined) return {};
    const trialParams = canonicalJson(params);
    const runId = request.queue
      ? await queueRun(tx, study.experimentId, request.queue, params, now, number)
      : await heldRun(tx, study.experimentId, trialParams, owner, now, number);
    const seq = await nextSeq(tx, studyId);
    await tx.run(R.INSERT_TRIAL, [studyId, number, runId, trialParams, owner, leaseExpiresAt, now, seq]);
    return { asked: { trial: R.askedTrial(studyId, number, runId, trialParams, owner, leaseExpiresAt), reasked: false }, seq };
  });
  if (asked && seq !== undefined) cache.wrote(studyId, seq, asked.trial);
  return asked;
}

async function heldRun(
  tx: PgSession,
  experimentId: number,
  paramsJson: string,
  owner: string,
  now: number,
  number: number,
): Promise<number> {
  const run = (await tx.get<{ id: number }>(`${R.HELD_RUN} RETURNING id`, [
    experimentId,
    sha256Hex(paramsJson),
    paramsJson,
    owner,
    owner,
    now,
    now,
    now,
  ])) as { id: number };
  await insertEvents(tx, now, [{ runId: run.id, from: null, to: 'RUNNING', attempt: 1, workerId: owner, reason: `trial ${number} asked` }]);
  return run.id;
}

async function queueRun(
  tx: PgSession,
  experimentId: number,
  queue: D.TrialQueueing,
  params: TrialParams,
  now: number,
  number: number,
): Promise<number> {
  const paramsJson = canonicalJson({ ...queue.baseParams, ...params });
  const run = (await tx.get<{ id: number }>(`${R.QUEUED_RUN} RETURNING id`, [
    experimentId,
    queue.specVersion,
    sha256Hex(paramsJson),
    paramsJson,
    queue.retries,
    now,
    now,
  ])) as { id: number };
  await insertEvents(tx, now, [{ runId: run.id, from: null, to: 'PENDING', attempt: 0, workerId: null, reason: `trial ${number} asked` }]);
  await notifyPending(tx);
  return run.id;
}

async function reaskTrial(
  tx: PgSession,
  studyId: number,
  number: number,
  owner: string,
  now: number,
  leaseExpiresAt: number,
): Promise<D.TrialRecord> {
  await tx.run(R.REASK_TRIAL, [owner, leaseExpiresAt, await nextSeq(tx, studyId), studyId, number]);
  const trial = (await getTrial(tx, studyId, number)) as D.TrialRecord;
  const run = await tx.get<{ attempt: number }>(R.REASK_RUN, [owner, owner, now, trial.runId]);
  if (run)
    await insertEvents(tx, now, [
      { runId: trial.runId, from: 'RUNNING', to: 'RUNNING', attempt: run.attempt, workerId: owner, reason: R.reaskReason(number) },
    ]);
  return trial;
}

export async function tellTrial(
  db: PgDatabase,
  cache: TrialHistoryCache,
  studyId: number,
  number: number,
  outcome: D.TrialOutcome,
  now: number,
): Promise<{ trial: D.TrialRecord; told: boolean } | undefined> {
  const { result, seq } = await db.transaction(async (tx): Promise<{ result?: { trial: D.TrialRecord; told: boolean }; seq?: number }> => {
    if (!(await lockStudy(tx, studyId))) return {};
    const before = (await currentTrials(tx, cache, studyId))[number];
    if (!before) return {};
    if (before.state !== 'RUNNING') return { result: { trial: before, told: false } };
    const seq = await nextSeq(tx, studyId);
    await tx.run(R.TELL_TRIAL, [outcome.state, R.trialValuesOf(outcome), now, seq, studyId, number]);
    const { objectives } = R.toStudy((await tx.get<R.StudyRow>(`${R.SELECT_STUDY} WHERE s.id = ?`, [studyId])) as R.StudyRow);
    const end = R.runEndOf(outcome, objectives);
    const run = await tx.get<{ attempt: number; worker_id: string | null }>(R.END_RUN, [...end, now, before.runId]);
    if (run)
      await insertEvents(tx, now, [
        {
          runId: before.runId,
          from: 'RUNNING',
          to: end[0],
          attempt: run.attempt,
          workerId: run.worker_id,
          reason: `trial told ${outcome.state}`,
        },
      ]);
    return { result: { trial: R.toldTrial(before, outcome), told: true }, seq };
  });
  if (result && seq !== undefined) cache.wrote(studyId, seq, result.trial);
  return result;
}

export function reportTrial(db: PgDatabase, studyId: number, number: number, step: number, value: number): Promise<void> {
  return db.transaction(async (tx) => {
    if (!(await lockStudy(tx, studyId))) return;
    const added = await tx.run(R.INSERT_REPORT, [studyId, number, step, Number.isNaN(value) ? null : value]);
    if (added > 0) await tx.run(R.STAMP_TRIAL, [await nextSeq(tx, studyId), studyId, number]);
  });
}

export async function renewTrials(
  db: PgSession,
  studyId: number,
  owner: string,
  numbers: readonly number[],
  leaseExpiresAt: number,
): Promise<number[]> {
  if (numbers.length === 0) return [];
  const rows = await db.all<{ number: number }>(
    `UPDATE trials SET lease_expires_at = ?
     WHERE study_id = ? AND number = ANY(?::int[]) AND state = 'RUNNING' AND lease_owner = ? RETURNING number`,
    [leaseExpiresAt, studyId, [...numbers], owner],
  );
  return rows.map((r) => r.number).sort((a, b) => a - b);
}

export async function findTrialOfRun(db: PgSession, runId: number): Promise<D.RunTrial | undefined> {
  const row = await db.get<{ name: string; number: number }>(R.TRIAL_OF_RUN, [runId]);
  return row && { study: row.name, number: row.number };
}
