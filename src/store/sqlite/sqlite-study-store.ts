import type { StudyDefinition, TrialAskRequest, TrialOutcome } from '../../domain/study.js';
import type { StudyStore } from '../study-store.js';
import type { SqliteConnection } from './connection.js';
import {
  askTrial,
  createStudy,
  findTrialOfRun,
  getStudy,
  listStudies,
  listTrials,
  renewTrials,
  reportTrial,
  tellTrial,
} from './sql/studies.js';
import { storeErrorOf } from './sqlite-errors.js';
import type { StatementCache } from './statement-cache.js';
import { TrialHistoryCache } from './trial-history-cache.js';

/** The studies of a SQLite store, on its connection (sql/studies.ts has the statements). */
export class SqliteStudyStore implements StudyStore {
  private readonly cache = new TrialHistoryCache();

  constructor(
    private readonly db: SqliteConnection,
    private readonly sql: StatementCache,
    private readonly location: string,
  ) {}

  async createStudy(definition: StudyDefinition, now: number, options: { loadIfExists?: boolean } = {}) {
    return this.guard(() => createStudy(this.db, this.sql, definition, now, options.loadIfExists ?? false));
  }
  async getStudy(name: string) {
    return this.guard(() => getStudy(this.sql, name));
  }
  async listStudies() {
    return this.guard(() => listStudies(this.sql));
  }
  async askTrial(request: TrialAskRequest) {
    return this.guard(() => askTrial(this.db, this.sql, this.cache, request));
  }
  async tellTrial(studyId: number, number: number, outcome: TrialOutcome, now: number) {
    return this.guard(() => tellTrial(this.db, this.sql, this.cache, studyId, number, outcome, now));
  }
  async reportTrial(studyId: number, number: number, step: number, value: number) {
    return this.guard(() => reportTrial(this.db, this.sql, studyId, number, step, value));
  }
  async renewTrials(studyId: number, owner: string, numbers: readonly number[], leaseExpiresAt: number) {
    return this.guard(() => renewTrials(this.db, this.sql, studyId, owner, numbers, leaseExpiresAt));
  }
  async findTrialOfRun(runId: number) {
    return this.guard(() => findTrialOfRun(this.sql, runId));
  }
  async listTrials(studyId: number) {
    return this.guard(() => listTrials(this.db, this.sql, this.cache, studyId));
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeErrorOf(error, this.location);
    }
  }
}
