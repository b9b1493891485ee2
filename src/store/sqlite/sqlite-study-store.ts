import type { StudyDefinition, TrialAskRequest, TrialOutcome } from '../../domain/study.js';
import { TrialHistoryCache } from '../rows/trial-history-cache.js';
import type { StudyStore } from '../study-store.js';
import type { SqliteConnection } from './connection.js';
import * as Q from './sql/studies.js';
import { storeErrorOf } from './sqlite-errors.js';
import type { StatementCache } from './statement-cache.js';

/** The studies of a SQLite store, on its connection (sql/studies.ts has the statements). */
export class SqliteStudyStore implements StudyStore {
  private readonly cache = new TrialHistoryCache();

  constructor(
    private readonly db: SqliteConnection,
    private readonly sql: StatementCache,
    private readonly location: string,
  ) {}

  async createStudy(definition: StudyDefinition, now: number, options: { loadIfExists?: boolean } = {}) {
    return this.guard(() => Q.createStudy(this.db, this.sql, definition, now, options.loadIfExists ?? false));
  }
  async getStudy(name: string) {
    return this.guard(() => Q.getStudy(this.sql, name));
  }
  async listStudies() {
    return this.guard(() => Q.listStudies(this.sql));
  }
  async askTrial(request: TrialAskRequest) {
    return this.guard(() => Q.askTrial(this.db, this.sql, this.cache, request));
  }
  async tellTrial(studyId: number, number: number, outcome: TrialOutcome, now: number) {
    return this.guard(() => Q.tellTrial(this.db, this.sql, this.cache, studyId, number, outcome, now));
  }
  async reportTrial(studyId: number, number: number, step: number, value: number) {
    return this.guard(() => Q.reportTrial(this.db, this.sql, studyId, number, step, value));
  }
  async renewTrials(studyId: number, owner: string, numbers: readonly number[], leaseExpiresAt: number) {
    return this.guard(() => Q.renewTrials(this.db, this.sql, studyId, owner, numbers, leaseExpiresAt));
  }
  async findTrialOfRun(runId: number) {
    return this.guard(() => Q.findTrialOfRun(this.sql, runId));
  }
  async listTrials(studyId: number) {
    return this.guard(() => Q.listTrials(this.db, this.sql, this.cache, studyId));
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeErrorOf(error, this.location);
    }
  }
}
