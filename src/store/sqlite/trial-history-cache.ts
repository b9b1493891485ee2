import type { StudyRecord, TrialRecord } from '../../domain/study.js';
import type { IntermediateValue, TrialParams, TrialState } from '../../search/types.js';
import type { StatementCache } from './statement-cache.js';

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
      const rows = sql
        .get(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND updated_seq > ? ORDER BY number`)
        .all(studyId, cached.seq) as TrialRow[];
      const reports = reportsOf(
        sql
          .get(
            `SELECT r.number, r.step, r.value FROM trial_reports r JOIN trials t ON t.study_id = r.study_id AND t.number = r.number
             WHERE r.study_id = ? AND t.updated_seq > ? ORDER BY r.number, r.step`,
          )
          .all(studyId, cached.seq) as ReportRow[],
      );
      for (const row of rows) cached.trials[row.number] = toTrial(row, reports.get(row.number));
      cached.seq = seq;
    }
    return cached.trials;
  }
}

type ReportRow = { number: number; step: number; value: number | null };

function reportsOf(rows: readonly ReportRow[]): Map<number, IntermediateValue[]> {
  const reports = new Map<number, IntermediateValue[]>();
  for (const { number, step, value } of rows) {
    const list = reports.get(number) ?? [];
    list.push({ step, value: value ?? Number.NaN });
    reports.set(number, list);
  }
  return reports;
}
