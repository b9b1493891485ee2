import type { StudyRecord, TrialRecord } from '../../domain/study.js';
import { REPORTS_CHANGED_SINCE, type ReportRow, reportsOf, TRIALS_CHANGED_SINCE, type TrialRow, toTrial } from '../rows/study-rows.js';
import type { StatementCache } from './statement-cache.js';

/**
 * The trials of each study as this connection last read them, and the study's change count
 * (studies.trial_seq) they are up to: a read fetches only the trials changed since. Every ask
 * gives the sampler the whole history, and parsing it anew each time made the history, not the
 * sampler, the cost of an ask (1,000 TPE trials: 1 s of the engine's 4 s).
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

  /** The study's trials by number (a copy: the caller may keep it). */
  trials(sql: StatementCache, studyId: number): TrialRecord[] {
    return [...this.current(sql, studyId)];
  }

  /** One trial of the study, as it is now. */
  trial(sql: StatementCache, studyId: number, number: number): TrialRecord | undefined {
    return this.current(sql, studyId)[number];
  }

  /**
   * A trial this connection wrote as the study's change `seq`, once committed: taken in without
   * reading it back when the cache was up to date just before (seq - 1), else left to the next read.
   */
  wrote(studyId: number, seq: number, trial: TrialRecord): void {
    const cached = this.studies.get(studyId);
    if (cached?.seq !== seq - 1) return;
    cached.trials[trial.number] = trial;
    cached.seq = seq;
  }

  /** The cached trials, brought up to date: not to be changed by the caller. */
  private current(sql: StatementCache, studyId: number): readonly TrialRecord[] {
    const { trial_seq: seq } = sql.get('SELECT trial_seq FROM studies WHERE id = ?').get(studyId) as { trial_seq: number };
    let cached = this.studies.get(studyId);
    // A count below ours: the database was replaced under us (a restored backup); read it all.
    if (!cached || seq < cached.seq) {
      cached = { seq: -1, trials: [] };
      this.studies.set(studyId, cached);
    }
    if (seq !== cached.seq) {
      const rows = sql.get(TRIALS_CHANGED_SINCE).all(studyId, cached.seq) as TrialRow[];
      const reports = reportsOf(sql.get(REPORTS_CHANGED_SINCE).all(studyId, cached.seq) as ReportRow[]);
      for (const row of rows) cached.trials[row.number] = toTrial(row, reports.get(row.number));
      cached.seq = seq;
    }
    return cached.trials;
  }
}
