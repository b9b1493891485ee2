import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CodeSnapshotRecord } from '../../domain/code-snapshot.js';
import type { ArtifactRecord, MetricPoint, RunFilter, RunRecord, RunState, StoredObject, WorkerRecord } from '../../domain/index.js';
import type { AggregateQuery } from '../../query/dialect.js';
import type { JsonValue } from '../../spec/types.js';
import type { EntitySelector, NewEntity } from '../provenance-types.js';
import type * as S from '../types.js';
import { migratePostgres } from './migrate.js';
import { MIGRATIONS } from './migrations.generated.js';
import { watchPendingRuns } from './pending-watch.js';
import { PgDatabase, type PgDatabaseOptions } from './pg-database.js';
import { postgresErrorOf } from './postgres-errors.js';
import { PostgresStudyStore } from './postgres-study-store.js';
import { redactedUrl, withoutPassword } from './postgres-url.js';
import { addRerun, getCodeSnapshot, recordCodeSnapshot, rerunOf } from './sql/code-snapshots.js';
import { enqueueRuns } from './sql/enqueue-runs.js';
import { getExperiment, getExperimentById, getSpecVersion, listExperiments, listSpecVersions, saveExperiment } from './sql/experiments.js';
import { annotateEntity, findEntities, lineageEdges, recordEntities } from './sql/provenance.js';
import { beginRuns, cancelRuns, claimRuns, finishRuns, reapExpiredLeases, renewLeases, resetRuns, startRunByHand } from './sql/queue.js';
import {
  aggregateRuns,
  countRuns,
  feedHead,
  findRunsByHashPrefix,
  getRun,
  listRunEvents,
  listRunFields,
  listRuns,
  listRunTableRows,
  metricPointsAfter,
  orderedRunIds,
  pageRuns,
  runEventsAfter,
} from './sql/reads.js';
import { keyCatalog, scopeSql } from './sql/run-filter.js';
import {
  addArtifact,
  appendMetrics,
  getCheckpoint,
  getEnvironment,
  insertEnvironment,
  listArtifacts,
  listMetricSummaries,
  listRunsMetricSummaries,
  listWorkers,
  readMetricBlocks,
  readMetricColumns,
  readMetrics,
  recordObject,
  registerWorker,
  saveCheckpoint,
  stopWorker,
} from './sql/tracking.js';

export interface PostgresStoreOptions extends PgDatabaseOptions {
  /** Milliseconds since the epoch, for the times the store records itself (when a migration ran). */
  now?: () => number;
  /**
   * The object directory to record as the store's when it has none recorded yet (init
   * --objects); else the recorded one is used, or objectsDirOf's default.
   */
  objectsDir?: string;
}

/** The store's default object directory on this machine: ~/.local/share/labbook/<hash of the URL without its password>. */
export function defaultObjectsDir(url: string): string {
  const key = createHash('sha256').update(withoutPassword(url)).digest('hex').slice(0, 16);
  return join(homedir(), '.local', 'share', 'labbook', key);
}

/** The object directory recorded in the store, recording `wanted` first when there is none. */
async function objectsDirOf(db: PgDatabase, wanted: string): Promise<string> {
  await db.run("INSERT INTO store_config (key, value) VALUES ('objects_dir', ?) ON CONFLICT (key) DO NOTHING", [wanted]);
  return ((await db.get<{ value: string }>("SELECT value FROM store_config WHERE key = 'objects_dir'")) as { value: string }).value;
}

/**
 * The shared store: one PostgreSQL database that workers on many machines use at once,
 * through a pool of connections per process. Open it with PostgresStore.open (it migrates
 * the schema first). Object files live in `dataDir`, a directory every machine must see.
 */
export class PostgresStore implements S.Store {
  readonly backend = 'postgres';
  readonly location: string;
  readonly studies: PostgresStudyStore;

  private constructor(
    private readonly db: PgDatabase,
    readonly dataDir: string,
    /** Whether opening it made the schema (a new store). */
    readonly created: boolean,
  ) {
    this.location = redactedUrl(db.url);
    this.studies = new PostgresStudyStore(db, this.location);
  }

  /** Opens (creating the schema when the database has none) the store at `url`; its object directory is recorded in it. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const db = new PgDatabase(url, options);
    const location = redactedUrl(url);
    try {
      const found = await migratePostgres(db, MIGRATIONS, location, (options.now ?? Date.now)());
      const dataDir = await objectsDirOf(db, options.objectsDir ?? defaultObjectsDir(url));
      return new PostgresStore(db, dataDir, found === 0);
    } catch (error) {
      await db.close();
      throw postgresErrorOf(error, location);
    }
  }

  /** What LABBOOK_STORE names this store by for the processes of its runs: its URL (they reach the same database). */
  get reference(): string {
    return this.db.url;
  }

  /** The database, for components that listen for notifications. */
  get database(): PgDatabase {
    return this.db;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  saveExperiment(name: string, spec: JsonValue, now: number, options: { asLatestVersion?: boolean } = {}) {
    return this.guard(() => saveExperiment(this.db, name, spec, now, options.asLatestVersion ?? false));
  }
  getExperiment(name: string) {
    return this.guard(() => getExperiment(this.db, name));
  }
  getExperimentById(id: number) {
    return this.guard(() => getExperimentById(this.db, id));
  }
  listExperiments() {
    return this.guard(() => listExperiments(this.db));
  }
  getSpecVersion(experimentId: number, version: number) {
    return this.guard(() => getSpecVersion(this.db, experimentId, version));
  }
  listSpecVersions(experimentId: number) {
    return this.guard(() => listSpecVersions(this.db, experimentId));
  }

  enqueueRuns(experimentId: number, runs: Iterable<readonly S.NewRun[]>, options: S.EnqueueOptions) {
    return this.guard(() => enqueueRuns(this.db, experimentId, runs, options));
  }
  claimRuns(request: S.ClaimRequest) {
    return this.guard(() => claimRuns(this.db, request));
  }
  beginRuns(workerId: string, runIds: readonly number[], now: number) {
    return this.guard(() => beginRuns(this.db, workerId, runIds, now));
  }
  renewLeases(workerId: string, runIds: readonly number[], leaseExpiresAt: number, now: number) {
    return this.guard(() => renewLeases(this.db, workerId, runIds, leaseExpiresAt, now));
  }
  startRunByHand(request: S.HandRunRequest) {
    return this.guard(() => startRunByHand(this.db, request));
  }
  async finishRun(lease: S.Lease, outcome: S.RunOutcome, now: number) {
    return (await this.finishRuns([{ lease, outcome }], now))[0];
  }
  finishRuns(requests: readonly S.FinishRequest[], now: number) {
    return this.guard(() => finishRuns(this.db, requests, now));
  }
  reapExpiredLeases(now: number, maxLosses: number) {
    return this.guard(() => reapExpiredLeases(this.db, now, maxLosses));
  }
  cancelRuns(filter: RunFilter, now: number) {
    return this.guard(() => cancelRuns(this.db, filter, now));
  }
  resetRuns(filter: RunFilter & { states: readonly RunState[] }, now: number) {
    return this.guard(() => resetRuns(this.db, filter, now));
  }

  getRun(id: number) {
    return this.guard(() => getRun(this.db, id));
  }
  findRunsByHashPrefix(prefix: string, limit: number) {
    return this.guard(() => findRunsByHashPrefix(this.db, prefix, limit));
  }
  listRuns(filter: RunFilter, options?: S.ListOptions) {
    return this.guard(() => listRuns(this.db, filter, options));
  }
  listRunFields<K extends keyof RunRecord>(filter: RunFilter, fields: readonly [K, ...K[]]) {
    return this.guard(() => listRunFields(this.db, filter, fields));
  }
  countRuns(filter: RunFilter) {
    return this.guard(() => countRuns(this.db, filter));
  }
  listRunTableRows(filter: RunFilter) {
    return this.guard(() => listRunTableRows(this.db, filter));
  }
  listRunEvents(runId: number) {
    return this.guard(() => listRunEvents(this.db, runId));
  }
  keyCatalog(filter: RunFilter) {
    return this.guard(() => keyCatalog(this.db, scopeSql(filter)));
  }
  aggregateRuns(filter: RunFilter, query: AggregateQuery) {
    return this.guard(() => aggregateRuns(this.db, filter, query));
  }

  recordObject(object: StoredObject, now: number) {
    return this.guard(() => recordObject(this.db, object, now));
  }
  saveCheckpoint(runId: number, attempt: number, object: StoredObject, now: number) {
    return this.guard(() => saveCheckpoint(this.db, runId, attempt, object, now));
  }
  getCheckpoint(runId: number) {
    return this.guard(() => getCheckpoint(this.db, runId));
  }
  appendMetrics(runId: number, attempt: number, points: readonly MetricPoint[]) {
    return this.guard(() => appendMetrics(this.db, runId, attempt, points));
  }
  readMetrics(runId: number, key: string, attempt?: number) {
    return this.guard(() => readMetrics(this.db, runId, key, attempt));
  }
  readMetricColumns(runId: number, key: string) {
    return this.guard(() => readMetricColumns(this.db, runId, key));
  }
  readMetricBlocks(runId: number, key: string) {
    return this.guard(() => readMetricBlocks(this.db, runId, key));
  }
  listMetricSummaries(runId: number) {
    return this.guard(() => listMetricSummaries(this.db, runId));
  }
  listRunsMetricSummaries(filter: RunFilter) {
    return this.guard(() => listRunsMetricSummaries(this.db, filter));
  }
  addArtifact(artifact: Omit<ArtifactRecord, 'createdAt'>, now: number) {
    return this.guard(() => addArtifact(this.db, artifact, now));
  }
  listArtifacts(runId: number) {
    return this.guard(() => listArtifacts(this.db, runId));
  }
  saveEnvironment(runId: number, attempt: number, data: JsonValue) {
    return this.guard(() => this.db.transaction((tx) => insertEnvironment(tx, runId, attempt, data)));
  }
  getEnvironment(runId: number, attempt?: number) {
    return this.guard(() => getEnvironment(this.db, runId, attempt));
  }

  pageRuns(filter: RunFilter, request: S.RunPageRequest) {
    return this.guard(() => pageRuns(this.db, filter, request));
  }
  orderedRunIds(filter: RunFilter, sort?: S.RunSort) {
    return this.guard(() => orderedRunIds(this.db, filter, sort));
  }
  feedHead() {
    return this.guard(() => feedHead(this.db));
  }
  runEventsAfter(afterId: number, limit: number) {
    return this.guard(() => runEventsAfter(this.db, afterId, limit));
  }
  metricPointsAfter(afterSeq: number, limit: number) {
    return this.guard(() => metricPointsAfter(this.db, afterSeq, limit));
  }

  watchPendingRuns(onPending: () => void) {
    return this.guard(() => watchPendingRuns(this.db, onPending));
  }

  recordCodeSnapshot(snapshot: CodeSnapshotRecord) {
    return this.guard(() => recordCodeSnapshot(this.db, snapshot));
  }
  getCodeSnapshot(tree: string) {
    return this.guard(() => getCodeSnapshot(this.db, tree));
  }
  addRerun(runId: number, now: number) {
    return this.guard(() => addRerun(this.db, runId, now));
  }
  rerunOf(runId: number) {
    return this.guard(() => rerunOf(this.db, runId));
  }

  recordEntities(entities: readonly NewEntity[], now: number) {
    return this.guard(() => recordEntities(this.db, entities, now));
  }
  findEntities(selector: EntitySelector) {
    return this.guard(() => findEntities(this.db, selector));
  }
  lineageEdges(uids: readonly string[], direction: 'upstream' | 'downstream', maxDepth?: number) {
    return this.guard(() => lineageEdges(this.db, uids, direction, maxDepth));
  }
  annotateEntity(uid: string, annotations: Readonly<Record<string, JsonValue>>, tags: readonly string[], now: number) {
    return this.guard(() => annotateEntity(this.db, uid, annotations, tags, now));
  }

  registerWorker(worker: Omit<WorkerRecord, 'stoppedAt' | 'heartbeatAt'>) {
    return this.guard(() => registerWorker(this.db, worker));
  }
  stopWorker(id: string, now: number) {
    return this.guard(() => stopWorker(this.db, id, now));
  }
  listWorkers(filter: S.WorkerFilter = {}) {
    return this.guard(() => listWorkers(this.db, filter));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw postgresErrorOf(error, this.location);
    }
  }
}
