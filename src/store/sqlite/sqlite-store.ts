import type {
  ArtifactRecord,
  CodeSnapshotRecord,
  MetricPoint,
  RunFilter,
  RunRecord,
  RunState,
  StoredObject,
  WorkerRecord,
} from '../../domain/index.js';
import type { AggregateQuery } from '../../query/dialect.js';
import type { JsonValue } from '../../spec/types.js';
import type { EntitySelector, NewEntity } from '../provenance-types.js';
import type {
  ClaimRequest,
  EnqueueOptions,
  FinishRequest,
  HandRunRequest,
  Lease,
  ListOptions,
  NewRun,
  RunOutcome,
  RunPageRequest,
  RunSort,
  Store,
  WorkerFilter,
} from '../types.js';
import { SqliteConnection } from './connection.js';
import { migrateSqlite } from './migrate.js';
import { MIGRATIONS } from './migrations.generated.js';
import { aggregateRuns, registerAggregates } from './sql/aggregate-runs.js';
import { cancelRuns, resetRuns } from './sql/change-runs.js';
import { beginRuns, claimRuns } from './sql/claim-runs.js';
import { addRerun, getCodeSnapshot, recordCodeSnapshot, rerunOf } from './sql/code-snapshots.js';
import { enqueueRuns } from './sql/enqueue-runs.js';
import { getEnvironment, saveEnvironment } from './sql/environments.js';
import { feedHead, metricPointsAfter, runEventsAfter } from './sql/event-feed.js';
import { getExperiment, getExperimentById, getSpecVersion, listExperiments, listSpecVersions, saveExperiment } from './sql/experiments.js';
import { finishRuns } from './sql/finish-run.js';
import { keyCatalog } from './sql/key-lookup.js';
import { reapExpiredLeases, renewLeases } from './sql/leases.js';
import { appendMetrics, listMetricSummaries, listRunsMetricSummaries, readMetrics } from './sql/metrics.js';
import { addArtifact, getCheckpoint, listArtifacts, recordObject, saveCheckpoint } from './sql/objects.js';
import { orderedRunIds, pageRuns } from './sql/page-runs.js';
import { annotateEntity, findEntities, lineageEdges, recordEntities } from './sql/provenance.js';
import { countRuns, findRunsByHashPrefix, getRun, listRunEvents, listRunFields, listRuns } from './sql/read-runs.js';
import { scopeSql } from './sql/run-filter.js';
import { listRunTableRows } from './sql/run-table-rows.js';
import { startRunByHand } from './sql/runs-by-hand.js';
import { readMetricBlocks, readMetricColumns } from './sql/series.js';
import { listWorkers, registerWorker, stopWorker } from './sql/workers.js';
import { storeErrorOf } from './sqlite-errors.js';
import { SqliteStudyStore } from './sqlite-study-store.js';
import { StatementCache } from './statement-cache.js';

export interface SqliteStoreOptions {
  /** How long a statement waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** Milliseconds since the epoch, for the times the store records itself (when a migration ran). */
  now?: () => number;
}

/**
 * The embedded store: one SQLite file in WAL mode, so readers never block the writer and
 * many worker processes on one machine share it. synchronous=NORMAL keeps every committed
 * transaction across a process crash (the WAL is on disk); only an OS crash or power loss
 * could drop the last few (written since the last checkpoint and not flushed by the kernel
 * yet), never corrupt the store.
 */
export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  private readonly db: SqliteConnection;
  private readonly sql: StatementCache;
  readonly studies: SqliteStudyStore;

  constructor(
    readonly location: string,
    readonly dataDir: string,
    options: SqliteStoreOptions = {},
  ) {
    this.db = this.guard(() => new SqliteConnection(location, { busyTimeoutMs: options.busyTimeoutMs ?? 30_000 }));
    this.guard(() => {
      // A 16 MB page cache (SQLite's default is 2 MB): the run hash index of a 100,000-run grid
      // fits, so adding runs does not evict and re-read it (enqueue ~20% faster). Checkpoints
      // every 10,000 WAL pages (~40 MB; SQLite's default is 1,000): a worker's batches rewrite
      // the same few pages (the tails of runs' indexes and events) in every commit, and a
      // checkpoint copies each page once however often it was rewritten: ten times fewer
      // checkpoints (each with two fsyncs, on the event loop) and fewer pages copied (a Python
      // driver's 1,000 runs: 14 fsyncs and ~640 copies before, ~1 and ~400 now).
      this.db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16000; PRAGMA wal_autocheckpoint = 10000',
      );
      migrateSqlite(this.db, MIGRATIONS, location, (options.now ?? Date.now)());
    });
    registerAggregates(this.db);
    this.sql = new StatementCache(this.db);
    this.studies = new SqliteStudyStore(this.db, this.sql, location);
  }

  get reference(): string {
    return this.dataDir;
  }

  /** The connection, for components that add their own tables (tracking, query). */
  get database(): SqliteConnection {
    return this.db;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async saveExperiment(name: string, spec: JsonValue, now: number, options: { asLatestVersion?: boolean } = {}) {
    return this.guard(() => saveExperiment(this.db, this.sql, name, spec, now, options.asLatestVersion ?? false));
  }
  async getExperiment(name: string) {
    return this.guard(() => getExperiment(this.sql, name));
  }
  async getExperimentById(id: number) {
    return this.guard(() => getExperimentById(this.sql, id));
  }
  async listExperiments() {
    return this.guard(() => listExperiments(this.sql));
  }
  async getSpecVersion(experimentId: number, version: number) {
    return this.guard(() => getSpecVersion(this.sql, experimentId, version));
  }
  async listSpecVersions(experimentId: number) {
    return this.guard(() => listSpecVersions(this.sql, experimentId));
  }

  async enqueueRuns(experimentId: number, runs: Iterable<readonly NewRun[]>, options: EnqueueOptions) {
    return this.guard(() => enqueueRuns(this.db, this.sql, experimentId, runs, options));
  }
  async claimRuns(request: ClaimRequest) {
    return this.guard(() => claimRuns(this.db, this.sql, request));
  }
  async beginRuns(workerId: string, runIds: readonly number[], now: number) {
    return this.guard(() => beginRuns(this.sql, workerId, runIds, now));
  }
  async renewLeases(workerId: string, runIds: readonly number[], leaseExpiresAt: number, now: number) {
    return this.guard(() => renewLeases(this.db, this.sql, workerId, runIds, leaseExpiresAt, now));
  }
  async startRunByHand(request: HandRunRequest) {
    return this.guard(() => startRunByHand(this.db, this.sql, request));
  }
  async finishRun(lease: Lease, outcome: RunOutcome, now: number) {
    return this.guard(() => finishRuns(this.db, this.sql, [{ lease, outcome }], now)[0]);
  }
  async finishRuns(requests: readonly FinishRequest[], now: number) {
    return this.guard(() => finishRuns(this.db, this.sql, requests, now));
  }
  async reapExpiredLeases(now: number, maxLosses: number) {
    return this.guard(() => reapExpiredLeases(this.db, this.sql, now, maxLosses));
  }
  async cancelRuns(filter: RunFilter, now: number) {
    return this.guard(() => cancelRuns(this.db, this.sql, filter, now));
  }
  async resetRuns(filter: RunFilter & { states: readonly RunState[] }, now: number) {
    return this.guard(() => resetRuns(this.db, this.sql, filter, now));
  }

  async getRun(id: number) {
    return this.guard(() => getRun(this.sql, id));
  }
  async findRunsByHashPrefix(prefix: string, limit: number) {
    return this.guard(() => findRunsByHashPrefix(this.sql, prefix, limit));
  }
  async listRuns(filter: RunFilter, options?: ListOptions) {
    return this.guard(() => listRuns(this.sql, filter, options));
  }
  async listRunFields<K extends keyof RunRecord>(filter: RunFilter, fields: readonly [K, ...K[]]) {
    return this.guard(() => listRunFields(this.sql, filter, fields));
  }
  async countRuns(filter: RunFilter) {
    return this.guard(() => countRuns(this.sql, filter));
  }
  async listRunTableRows(filter: RunFilter) {
    return this.guard(() => listRunTableRows(this.sql, filter));
  }
  async listRunEvents(runId: number) {
    return this.guard(() => listRunEvents(this.sql, runId));
  }
  async keyCatalog(filter: RunFilter) {
    return this.guard(() => keyCatalog(this.sql, scopeSql(filter)));
  }
  async aggregateRuns(filter: RunFilter, query: AggregateQuery) {
    return this.guard(() => aggregateRuns(this.sql, filter, query));
  }

  async recordObject(object: StoredObject, now: number) {
    return this.guard(() => recordObject(this.sql, object, now));
  }
  async saveCheckpoint(runId: number, attempt: number, object: StoredObject, now: number) {
    return this.guard(() => saveCheckpoint(this.db, this.sql, runId, attempt, object, now));
  }
  async getCheckpoint(runId: number) {
    return this.guard(() => getCheckpoint(this.sql, runId));
  }
  async appendMetrics(runId: number, attempt: number, points: readonly MetricPoint[]) {
    return this.guard(() => appendMetrics(this.db, this.sql, runId, attempt, points));
  }
  async readMetrics(runId: number, key: string, attempt?: number) {
    return this.guard(() => readMetrics(this.sql, runId, key, attempt));
  }
  async listMetricSummaries(runId: number) {
    return this.guard(() => listMetricSummaries(this.sql, runId));
  }
  async listRunsMetricSummaries(filter: RunFilter) {
    return this.guard(() => listRunsMetricSummaries(this.sql, filter));
  }
  async addArtifact(artifact: Omit<ArtifactRecord, 'createdAt'>, now: number) {
    return this.guard(() => addArtifact(this.db, this.sql, artifact, now));
  }
  async listArtifacts(runId: number) {
    return this.guard(() => listArtifacts(this.sql, runId));
  }
  async recordCodeSnapshot(snapshot: CodeSnapshotRecord) {
    return this.guard(() => recordCodeSnapshot(this.sql, snapshot));
  }
  async getCodeSnapshot(tree: string) {
    return this.guard(() => getCodeSnapshot(this.sql, tree));
  }
  async addRerun(runId: number, now: number) {
    return this.guard(() => addRerun(this.db, this.sql, runId, now));
  }
  async rerunOf(runId: number) {
    return this.guard(() => rerunOf(this.sql, runId));
  }

  async saveEnvironment(runId: number, attempt: number, data: JsonValue) {
    return this.guard(() => saveEnvironment(this.db, this.sql, runId, attempt, data));
  }
  async getEnvironment(runId: number, attempt?: number) {
    return this.guard(() => getEnvironment(this.sql, runId, attempt));
  }

  async pageRuns(filter: RunFilter, request: RunPageRequest) {
    return this.guard(() => pageRuns(this.sql, filter, request));
  }
  async orderedRunIds(filter: RunFilter, sort?: RunSort) {
    return this.guard(() => orderedRunIds(this.sql, filter, sort));
  }
  async readMetricColumns(runId: number, key: string) {
    return this.guard(() => readMetricColumns(this.sql, runId, key));
  }
  async readMetricBlocks(runId: number, key: string) {
    return this.guard(() => readMetricBlocks(this.sql, runId, key));
  }
  async feedHead() {
    return this.guard(() => feedHead(this.sql));
  }
  async runEventsAfter(afterId: number, limit: number) {
    return this.guard(() => runEventsAfter(this.sql, afterId, limit));
  }
  async metricPointsAfter(afterSeq: number, limit: number) {
    return this.guard(() => metricPointsAfter(this.sql, afterSeq, limit));
  }

  async registerWorker(worker: Omit<WorkerRecord, 'stoppedAt' | 'heartbeatAt'>) {
    return this.guard(() => registerWorker(this.sql, worker));
  }
  async stopWorker(id: string, now: number) {
    return this.guard(() => stopWorker(this.sql, id, now));
  }
  async listWorkers(filter: WorkerFilter = {}) {
    return this.guard(() => listWorkers(this.sql, filter));
  }

  async recordEntities(entities: readonly NewEntity[], now: number) {
    return this.guard(() => recordEntities(this.db, this.sql, entities, now));
  }
  async findEntities(selector: EntitySelector) {
    return this.guard(() => findEntities(this.sql, selector));
  }
  async lineageEdges(uids: readonly string[], direction: 'upstream' | 'downstream', maxDepth?: number) {
    return this.guard(() => lineageEdges(this.sql, uids, direction, maxDepth));
  }
  async annotateEntity(uid: string, annotations: Readonly<Record<string, JsonValue>>, tags: readonly string[], now: number) {
    return this.guard(() => annotateEntity(this.db, this.sql, uid, annotations, tags, now));
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeErrorOf(error, this.location);
    }
  }
}
