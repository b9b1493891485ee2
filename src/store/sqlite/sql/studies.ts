import type {
  RunTrial,
  StudyDefinition,
  StudyRecord,
  TrialAsked,
  TrialAskRequest,
  TrialOutcome,
  TrialQueueing,
  TrialRecord,
} from '../../../domain/study.js';

import { StudyExistsError } from '../../../errors.js';
import type { TrialParams } from '../../../search/types.js';
import { canonicalJson } from '../../../spec/canonical-json.js';
import { sha256Hex } from '../../../spec/run-hash.js';
import { ENSURE_EXPERIMENT } from '../../rows/records.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import * as R from '../../rows/study-rows.js';
import type { TrialHistoryCache } from '../../rows/trial-history-cache.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/** Creates the study (and its experiment, without a spec version, when new) in one transaction. */
export function createStudy(
  db: SqliteConnection,
  sql: StatementCache,
  definition: StudyDefinition,
  now: number,
  loadIfExists: boolean,
): StudyRecord {
  return db.transaction(() => {
    const existing = getStudy(sql, definition.name);
    if (existing) {
      if (loadIfExists) return existing;
      throw new StudyExistsError(definition.name);
    }
    sql.get(ENSURE_EXPERIMENT).run(definition.experiment, R.studyExperimentSpec(definition), now, now);
    const { id: experimentId } = sql.get('SELECT id FROM experiments WHERE name = ?').get(definition.experiment) as { id: number };
    sql.get(R.INSERT_STUDY).run(...R.studyValues(definition, experimentId, now));
    return getStudy(sql, definition.name) as StudyRecord;
  }, 'immediate');
}

export function getStudy(sql: StatementCache, name: string): StudyRecord | undefined {
  const row = sql.get(`${R.SELECT_STUDY} WHERE s.name = ?`).get(name) as R.StudyRow | undefined;
  return row && R.toStudy(row);
}

export function listStudies(sql: StatementCache): StudyRecord[] {
  return (sql.get(`${R.SELECT_STUDY} ORDER BY s.id`).all() as R.StudyRow[]).map(R.toStudy);
}

export function listTrials(db: SqliteConnection, sql: StatementCache, cache: TrialHistoryCache, studyId: number): TrialRecord[] {
  return db.transaction(() => [...currentTrials(sql, cache, studyId)], 'deferred');
}

/** The study's trials as cached, brought up to date first: not to be changed by the caller. */
function currentTrials(sql: StatementCache, cache: TrialHistoryCache, studyId: number): readonly TrialRecord[] {
  const { trial_seq: seq } = sql.get(R.STUDY_SEQ).get(studyId) as { trial_seq: number };
  const since = cache.since(studyId, seq);
  if (since !== seq) {
    const rows = sql.get(R.TRIALS_CHANGED_SINCE).all(studyId, since) as R.TrialRow[];
    cache.update(studyId, seq, rows, sql.get(R.REPORTS_CHANGED_SINCE).all(studyId, since) as R.ReportRow[]);
  }
  return cache.trials(studyId);
}

function getTrial(sql: StatementCache, cache: TrialHistoryCache, studyId: number, number: number): TrialRecord | undefined {
  return currentTrials(sql, cache, studyId)[number];
}

/** Counts a change of the study's trials: the count the changed trial is stamped with. */
function nextSeq(sql: StatementCache, studyId: number): number {
  return (sql.get(R.NEXT_SEQ).get(studyId) as { trial_seq: number }).trial_seq;
}

/**
 * One IMMEDIATE transaction, so asks of all processes are serialised on the write lock: the
 * expired RUNNING trial of the lowest number is handed out again, else the history is read and
 * the next trial proposed and written with its run (RUNNING, held by the trial's lease, which
 * the run's own lease fields leave to the study: lease_expires_at stays NULL, never reaped).
 * The trial written goes into the trial cache once committed rather than being read back.
 */
export function askTrial(
  db: SqliteConnection,
  sql: StatementCache,
  cache: TrialHistoryCache,
  request: TrialAskRequest,
): TrialAsked | undefined {
  const { studyId, owner, now, leaseExpiresAt } = request;
  const { asked, seq } = db.transaction((): { asked?: TrialAsked; seq?: number } => {
    const expired = sql.get(R.EXPIRED_TRIAL).get(studyId, now) as { number: number } | undefined;
    if (expired) {
      const { trial, seq } = reaskTrial(sql, cache, studyId, expired.number, owner, now, leaseExpiresAt);
      return { asked: { trial, reasked: true }, seq };
    }
    const history = [...currentTrials(sql, cache, studyId)];
    const number = history.length;
    const { directions, experimentId } = getStudyById(sql, cache, studyId);
    const params = request.propose({ directions, trials: history }, number);
    if (params === undefined) return {};
    const trialParams = canonicalJson(params);
    const runId = request.queue
      ? queueRun(sql, experimentId, request.queue, params, now, number)
      : heldRun(sql, experimentId, trialParams, owner, now, number);
    const seq = nextSeq(sql, studyId);
    sql.get(R.INSERT_TRIAL).run(studyId, number, runId, trialParams, owner, leaseExpiresAt, now, seq);
    return { asked: { trial: R.askedTrial(studyId, number, runId, trialParams, owner, leaseExpiresAt), reasked: false }, seq };
  }, 'immediate');
  if (asked && seq !== undefined) cache.wrote(studyId, seq, asked.trial);
  return asked;
}

/** The run of a trial its client evaluates: RUNNING, held by the trial's lease (its own lease fields stay NULL: never reaped). */
function heldRun(sql: StatementCache, experimentId: number, paramsJson: string, owner: string, now: number, number: number): number {
  const runId = Number(
    sql.get(R.HELD_RUN).run(experimentId, sha256Hex(paramsJson), paramsJson, owner, owner, now, now, now).lastInsertRowid,
  );
  sql.get(INSERT_EVENT).run(runId, now, null, 'RUNNING', 1, owner, `trial ${number} asked`);
  return runId;
}

/** The run of a trial that workers execute: PENDING in the queue, as a run of the spec version that `labbook add` plans. */
function queueRun(
  sql: StatementCache,
  experimentId: number,
  queue: TrialQueueing,
  params: TrialParams,
  now: number,
  number: number,
): number {
  const paramsJson = canonicalJson({ ...queue.baseParams, ...params });
  const hash = sha256Hex(paramsJson);
  const runId = Number(
    sql.get(R.QUEUED_RUN).run(experimentId, queue.specVersion, hash, paramsJson, queue.retries, now, now).lastInsertRowid,
  );
  sql.get('INSERT INTO run_hashes (hash_prefix, experiment_id, run_id) VALUES (substr(?, 1, 16), ?, ?)').run(hash, experimentId, runId);
  sql.get(INSERT_EVENT).run(runId, now, null, 'PENDING', 0, null, `trial ${number} asked`);
  return runId;
}

export function findTrialOfRun(sql: StatementCache, runId: number): RunTrial | undefined {
  const row = sql.get(R.TRIAL_OF_RUN).get(runId) as { name: string; number: number } | undefined;
  return row && { study: row.name, number: row.number };
}

function getStudyById(sql: StatementCache, cache: TrialHistoryCache, studyId: number): StudyRecord {
  return cache.record(studyId, () => R.toStudy(sql.get(`${R.SELECT_STUDY} WHERE s.id = ?`).get(studyId) as R.StudyRow));
}

/** The trial goes to `owner`; its run starts its next attempt, the lost one counted as a lost worker's. */
function reaskTrial(
  sql: StatementCache,
  cache: TrialHistoryCache,
  studyId: number,
  number: number,
  owner: string,
  now: number,
  leaseExpiresAt: number,
): { trial: TrialRecord; seq: number } {
  // Read before the change: the cache holds committed trials only (the caller adds this one once committed).
  const before = getTrial(sql, cache, studyId, number) as TrialRecord;
  const seq = nextSeq(sql, studyId);
  sql.get(R.REASK_TRIAL).run(owner, leaseExpiresAt, seq, studyId, number);
  const run = sql.get(R.REASK_RUN).get(owner, owner, now, before.runId) as { attempt: number } | undefined;
  if (run) sql.get(INSERT_EVENT).run(before.runId, now, 'RUNNING', 'RUNNING', run.attempt, owner, R.reaskReason(number));
  return { trial: { ...before, leaseOwner: owner, leaseExpiresAt }, seq };
}

/** Ends a RUNNING trial and its run; the trial told goes into the trial cache once committed, as an ask's. */
export function tellTrial(
  db: SqliteConnection,
  sql: StatementCache,
  cache: TrialHistoryCache,
  studyId: number,
  number: number,
  outcome: TrialOutcome,
  now: number,
): { trial: TrialRecord; told: boolean } | undefined {
  const { result, seq } = db.transaction((): { result?: { trial: TrialRecord; told: boolean }; seq?: number } => {
    const before = getTrial(sql, cache, studyId, number);
    if (!before) return {};
    if (before.state !== 'RUNNING') return { result: { trial: before, told: false } };
    const seq = nextSeq(sql, studyId);
    sql.get(R.TELL_TRIAL).run(outcome.state, R.trialValuesOf(outcome), now, seq, studyId, number);
    const { objectives } = getStudyById(sql, cache, studyId);
    const end = R.runEndOf(outcome, objectives);
    const run = sql.get(R.END_RUN).get(...end, now, before.runId) as { attempt: number; worker_id: string | null } | undefined;
    if (run) sql.get(INSERT_EVENT).run(before.runId, now, 'RUNNING', end[0], run.attempt, run.worker_id, `trial told ${outcome.state}`);
    return { result: { trial: R.toldTrial(before, outcome), told: true }, seq };
  }, 'immediate');
  if (result && seq !== undefined) cache.wrote(studyId, seq, result.trial);
  return result;
}

export function reportTrial(db: SqliteConnection, sql: StatementCache, studyId: number, number: number, step: number, value: number): void {
  db.transaction(() => {
    const added = sql.get(R.INSERT_REPORT).run(studyId, number, step, Number.isNaN(value) ? null : value);
    if (Number(added.changes) > 0) {
      sql.get(R.STAMP_TRIAL).run(nextSeq(sql, studyId), studyId, number);
    }
  }, 'immediate');
}

export function renewTrials(
  db: SqliteConnection,
  sql: StatementCache,
  studyId: number,
  owner: string,
  numbers: readonly number[],
  leaseExpiresAt: number,
): number[] {
  if (numbers.length === 0) return [];
  const renew = sql.get(
    `UPDATE trials SET lease_expires_at = ?
     WHERE study_id = ? AND number IN (SELECT value FROM json_each(?)) AND state = 'RUNNING' AND lease_owner = ? RETURNING number`,
  );
  return db.transaction(
    () =>
      (renew.all(leaseExpiresAt, studyId, JSON.stringify(numbers), owner) as Array<{ number: number }>)
        .map((r) => r.number)
        .sort((a, b) => a - b),
    'immediate',
  );
}
