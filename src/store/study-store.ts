import type { RunTrial, StudyDefinition, StudyRecord, TrialAsked, TrialAskRequest, TrialOutcome, TrialRecord } from '../domain/study.js';

/**
 * Studies and their trials (docs/studies.md). A sub-interface of the store, kept apart so that
 * a backend can add it on its own; each trial is also a run of the study's experiment, which
 * these methods write with it in the same transaction.
 */
export interface StudyStore {
  /**
   * Creates the study, and its experiment when new; a study of that name that exists already
   * is returned as it is when `loadIfExists`, else refused (LB_STUDY_EXISTS).
   */
  createStudy(definition: StudyDefinition, now: number, options?: { loadIfExists?: boolean }): Promise<StudyRecord>;
  getStudy(name: string): Promise<StudyRecord | undefined>;
  /** Oldest first. */
  listStudies(): Promise<StudyRecord[]>;
  /**
   * Hands out a trial in one transaction that holds the study (two clients never get the
   * same trial): see TrialAskRequest. Undefined when the space is exhausted and none expired.
   */
  askTrial(request: TrialAskRequest): Promise<TrialAsked | undefined>;
  /**
   * Records how a RUNNING trial ended, and its run's end with it (COMPLETE: the run COMPLETED
   * with the values as its result; FAILED: FAILED; PRUNED: CANCELLED, reason 'pruned').
   * A trial told already is left as it was (`told: false`); undefined when there is no such trial.
   */
  tellTrial(
    studyId: number,
    number: number,
    outcome: TrialOutcome,
    now: number,
  ): Promise<{ trial: TrialRecord; told: boolean } | undefined>;
  /** Records an intermediate value of a trial (the first report of a step counts). */
  reportTrial(studyId: number, number: number, step: number, value: number): Promise<void>;
  /** Extends the leases of the RUNNING trials `owner` holds; returns the numbers it still holds. */
  renewTrials(studyId: number, owner: string, numbers: readonly number[], leaseExpiresAt: number): Promise<number[]>;
  /** The trial that run `runId` is, if it is one. */
  findTrialOfRun(runId: number): Promise<RunTrial | undefined>;
  /** The study's trials by number, with their intermediate values. */
  listTrials(studyId: number): Promise<TrialRecord[]>;
}
