import type { RunState } from '../../domain/index.js';
import type { StudyDefinition, StudyRecord, TrialOutcome, TrialRecord } from '../../domain/study.js';
import type { Direction, IntermediateValue, TrialParams, TrialState } from '../../search/types.js';

/*
 * The studies' rows and statements both backends share (migration 0005 of each): how a row
 * becomes a record, and how a told trial ends its run.
 */

export interface StudyRow {
  id: number;
  name: string;
  experiment_id: number;
  experiment: string;
  space: string;
  sampler: string;
  sampler_options: string;
  pruner: string | null;
  pruner_options: string;
  directions: string;
  objectives: string;
  seed: number;
  created_at: number;
}

export const SELECT_STUDY = `SELECT s.*, e.name AS experiment FROM studies s JOIN experiments e ON e.id = s.experiment_id`;

export const INSERT_STUDY = `INSERT INTO studies (name, experiment_id, space, sampler, sampler_options, pruner, pruner_options, directions, objectives, seed, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** INSERT_STUDY's parameters. */
export const studyValues = (definition: StudyDefinition, experimentId: number, now: number) => [
  definition.name,
  experimentId,
  JSON.stringify(definition.space),
  definition.sampler.name,
  JSON.stringify(definition.sampler.options),
  definition.pruner?.name ?? null,
  JSON.stringify(definition.pruner?.options ?? {}),
  JSON.stringify(definition.directions),
  JSON.stringify(definition.objectives),
  definition.seed,
  now,
];

/** The experiment of a new study, made with it: a spec without a version, its search the study's space. */
export const studyExperimentSpec = (definition: StudyDefinition) =>
  JSON.stringify({ name: definition.experiment, description: `the trials of study ${definition.name}`, search: definition.space });

export const toStudy = (row: StudyRow): StudyRecord => ({
  id: row.id,
  name: row.name,
  experiment: row.experiment,
  experimentId: row.experiment_id,
  space: JSON.parse(row.space),
  sampler: { name: row.sampler, options: JSON.parse(row.sampler_options) },
  ...(row.pruner !== null && { pruner: { name: row.pruner, options: JSON.parse(row.pruner_options) } }),
  directions: JSON.parse(row.directions) as Direction[],
  objectives: JSON.parse(row.objectives) as string[],
  seed: row.seed,
  createdAt: row.created_at,
});

export interface TrialRow {
  study_id: number;
  number: number;
  run_id: number;
  state: TrialState;
  params: string;
  trial_values: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

export const TRIAL_COLUMNS = 'study_id, number, run_id, state, params, trial_values, lease_owner, lease_expires_at';

export function toTrial(row: TrialRow, intermediate: readonly IntermediateValue[] | undefined): TrialRecord {
  return {
    studyId: row.study_id,
    number: row.number,
    runId: row.run_id,
    state: row.state,
    params: JSON.parse(row.params) as TrialParams,
    ...(row.trial_values !== null && { values: JSON.parse(row.trial_values) as number[] }),
    ...(intermediate?.length && { intermediate }),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
  };
}

/** The trial INSERT_TRIAL writes, as reading it back gives it. */
export const askedTrial = (studyId: number, number: number, runId: number, paramsJson: string, owner: string, leaseExpiresAt: number) =>
  toTrial(
    {
      study_id: studyId,
      number,
      run_id: runId,
      state: 'RUNNING',
      params: paramsJson,
      trial_values: null,
      lease_owner: owner,
      lease_expires_at: leaseExpiresAt,
    },
    undefined,
  );

/** `before` as TELL_TRIAL leaves it, as reading it back gives it. */
export function toldTrial(before: TrialRecord, outcome: TrialOutcome): TrialRecord {
  const { values: _told, ...kept } = before;
  const values = trialValuesOf(outcome);
  return {
    ...kept,
    state: outcome.state,
    ...(values !== null && { values: JSON.parse(values) as number[] }),
    leaseOwner: null,
    leaseExpiresAt: null,
  };
}

export type ReportRow = { number: number; step: number; value: number | null };

/** The intermediate values of each trial number, in the order given (a NULL value is a NaN reported). */
export function reportsOf(rows: readonly ReportRow[]): Map<number, IntermediateValue[]> {
  const reports = new Map<number, IntermediateValue[]>();
  for (const { number, step, value } of rows) {
    const list = reports.get(number) ?? [];
    list.push({ step, value: value ?? Number.NaN });
    reports.set(number, list);
  }
  return reports;
}

/** The expired RUNNING trial of the lowest number: asked again before any new one. */
export const EXPIRED_TRIAL = `SELECT number FROM trials WHERE study_id = ? AND state = 'RUNNING' AND lease_expires_at < ? ORDER BY number LIMIT 1`;

export const INSERT_TRIAL = `INSERT INTO trials (study_id, number, run_id, state, params, lease_owner, lease_expires_at, asked_at, updated_seq)
  VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?)`;

export const REASK_TRIAL = 'UPDATE trials SET lease_owner = ?, lease_expires_at = ?, updated_seq = ? WHERE study_id = ? AND number = ?';

/** The run of a trial asked again starts its next attempt, the lost one counted as a lost worker's. */
export const REASK_RUN = `UPDATE runs SET attempt = attempt + 1, losses = losses + 1, lease_owner = ?, worker_id = ?, started_at = ?
  WHERE id = ? AND state = 'RUNNING' AND spec_version IS NULL RETURNING attempt`;

export const reaskReason = (number: number) => `trial ${number} asked again: its client was lost`;

export const TELL_TRIAL = `UPDATE trials SET state = ?, trial_values = ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_seq = ?
  WHERE study_id = ? AND number = ?`;

export const END_RUN = `UPDATE runs SET state = ?, result = ?, failure_reason = ?, error = ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL
  WHERE id = ? AND state = 'RUNNING' RETURNING attempt, worker_id`;

/** How a told trial ends its run: the END_RUN parameters before the time and the run's id. */
export function runEndOf(outcome: TrialOutcome, objectives: readonly string[]): [RunState, string | null, string | null, string | null] {
  const end = RUN_END[outcome.state];
  const result =
    outcome.state === 'COMPLETE'
      ? JSON.stringify(Object.fromEntries(objectives.map((name, i) => [name, outcome.values[i] ?? null])))
      : null;
  const error = outcome.state === 'FAILED' ? (outcome.error ?? 'the trial was told FAILED') : outcome.state === 'PRUNED' ? 'pruned' : null;
  return [end.state, result, end.reason, error];
}

const RUN_END: Record<TrialOutcome['state'], { state: RunState; reason: string | null }> = {
  COMPLETE: { state: 'COMPLETED', reason: null },
  FAILED: { state: 'FAILED', reason: 'error' },
  PRUNED: { state: 'CANCELLED', reason: 'pruned' },
};

export const trialValuesOf = (outcome: TrialOutcome): string | null =>
  outcome.state === 'COMPLETE' ? JSON.stringify(outcome.values) : null;

export const HELD_RUN = `INSERT INTO runs (experiment_id, hash, params, state, attempt, lease_owner, worker_id, created_at, queued_at, started_at)
  VALUES (?, ?, ?, 'RUNNING', 1, ?, ?, ?, ?, ?)`;

export const QUEUED_RUN =
  'INSERT INTO runs (experiment_id, spec_version, hash, params, retries, created_at, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?)';

export const TRIAL_OF_RUN = 'SELECT s.name, t.number FROM trials t JOIN studies s ON s.id = t.study_id WHERE t.run_id = ?';

export const INSERT_REPORT = 'INSERT INTO trial_reports (study_id, number, step, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';

export const STAMP_TRIAL = 'UPDATE trials SET updated_seq = ? WHERE study_id = ? AND number = ?';

export const STUDY_SEQ = 'SELECT trial_seq FROM studies WHERE id = ?';

export const NEXT_SEQ = 'UPDATE studies SET trial_seq = trial_seq + 1 WHERE id = ? RETURNING trial_seq';

export const REPORTS_CHANGED_SINCE = `SELECT r.number, r.step, r.value FROM trial_reports r JOIN trials t ON t.study_id = r.study_id AND t.number = r.number
  WHERE r.study_id = ? AND t.updated_seq > ? ORDER BY r.number, r.step`;

export const TRIALS_CHANGED_SINCE = `SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND updated_seq > ? ORDER BY number`;
