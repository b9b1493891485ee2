import type { StudyRecord, TrialRecord } from '../../domain/study.js';
import { type ReportRow, reportsOf, type TrialRow, toTrial } from './study-rows.js';

/**
 * The trials of each study as this store last read them, and the study's change count
 * (studies.trial_seq) they are up to, so that a read fetches only the trials changed since
 * (TRIALS_CHANGED_SINCE). Every ask gives the sampler the whole history, and parsing it anew
 * each time made the history, not the sampler, the cost of an ask (1,000 TPE trials: 1 s of
 * the engine's 4 s). Each backend reads the count and the changes its own way (currentTrials).
 */
export class TrialHistoryCache {
  private readonly studies = new Map<number, { seq: number; trials: TrialRecord[] }>();
  private readonly records = new Map<number, StudyRecord>();

  /** The study of that id, read once: a study's definition never changes. */
  record(studyId: number, read: () => StudyRecord): StudyRecord {
    let record = this.records.get(studyId);
    if (!record) {
      record = read();
      this.records.set(studyId, record);
    }
    return record;
  }

  /**
   * The change count the cached trials are up to, given the study's count now: -1 (read them
   * all) when none are cached, or when the count went back (the database was replaced under
   * us, a restored backup). Read the trials changed since, unless it is `seq`, and `update`.
   */
  since(studyId: number, seq: number): number {
    const cached = this.studies.get(studyId);
    if (cached && seq >= cached.seq) return cached.seq;
    this.studies.set(studyId, { seq: -1, trials: [] });
    return -1;
  }

  /** Takes in the trials changed up to `seq` and their reports, as read. */
  update(studyId: number, seq: number, rows: readonly TrialRow[], reportRows: readonly ReportRow[]): void {
    const cached = this.studies.get(studyId) ?? { seq: -1, trials: [] };
    const reports = reportsOf(reportRows);
    for (const row of rows) cached.trials[row.number] = toTrial(row, reports.get(row.number));
    cached.seq = seq;
    this.studies.set(studyId, cached);
  }

  /** The study's trials by number, as cached: not to be changed by the caller. */
  trials(studyId: number): readonly TrialRecord[] {
    return this.studies.get(studyId)?.trials ?? [];
  }

  /**
   * A trial this store wrote as the study's change `seq`, once committed: taken in without
   * reading it back when the cache was up to date just before (seq - 1), else left to the next read.
   */
  wrote(studyId: number, seq: number, trial: TrialRecord): void {
    const cached = this.studies.get(studyId);
    if (cached?.seq !== seq - 1) return;
    cached.trials[trial.number] = trial;
    cached.seq = seq;
  }
}
