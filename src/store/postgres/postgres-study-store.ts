import type { StudyDefinition, TrialAskRequest, TrialOutcome } from '../../domain/study.js';
import { TrialHistoryCache } from '../rows/trial-history-cache.js';
import type { StudyStore } from '../study-store.js';
import type { PgDatabase } from './pg-database.js';
import { postgresErrorOf } from './postgres-errors.js';
import * as Q from './sql/studies.js';

/** The studies of a PostgreSQL store, on its pool (sql/studies.ts has the statements). */
export class PostgresStudyStore implements StudyStore {
  private readonly cache = new TrialHistoryCache();

  constructor(
    private readonly db: PgDatabase,
    private readonly location: string,
  ) {}

  createStudy(definition: StudyDefinition, now: number, options: { loadIfExists?: boolean } = {}) {
    return this.guard(() => Q.createStudy(this.db, definition, now, options.loadIfExists ?? false));
  }
  getStudy(name: string) {
    return this.guard(() => Q.getStudy(this.db, name));
  }
  listStudies() {
    return this.guard(() => Q.listStudies(this.db));
  }
  askTrial(request: TrialAskRequest) {
    return this.guard(() => Q.askTrial(this.db, this.cache, request));
  }
  tellTrial(studyId: number, number: number, outcome: TrialOutcome, now: number) {
    return this.guard(() => Q.tellTrial(this.db, this.cache, studyId, number, outcome, now));
  }
  reportTrial(studyId: number, number: number, step: number, value: number) {
    return this.guard(() => Q.reportTrial(this.db, studyId, number, step, value));
  }
  renewTrials(studyId: number, owner: string, numbers: readonly number[], leaseExpiresAt: number) {
    return this.guard(() => Q.renewTrials(this.db, studyId, owner, numbers, leaseExpiresAt));
  }
  findTrialOfRun(runId: number) {
    return this.guard(() => Q.findTrialOfRun(this.db, runId));
  }
  listTrials(studyId: number) {
    return this.guard(() => Q.listTrials(this.db, studyId));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw postgresErrorOf(error, this.location);
    }
  }
}
