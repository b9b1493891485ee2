import type { ArtifactRecord, CheckpointRecord, StoredObject } from '../domain/artifact.js';
import type { ExperimentRecord, SpecVersion } from '../domain/experiment.js';
import type { FeedHead, FeedMetricPoint, FeedRunEvent } from '../domain/feed.js';
import type { KeyCatalog, MetricPoint, MetricSummary } from '../domain/metric.js';
import type { RunEvent, RunRecord, RunState, RunTableRow, StateCount } from '../domain/run.js';
import type { RunFilter } from '../domain/run-filter.js';
import type { WorkerRecord } from '../domain/worker.js';
import type { AggregateQuery, AggregateRow, KeyExpression } from '../query/dialect.js';
import type { JsonValue } from '../spec/types.js';
import type { CodeStore } from './code-store.js';
import type { ProvenanceStore } from './provenance-types.js';
import type { RunOrderStore } from './run-order-store.js';
import type { SeriesStore } from './series-store.js';
import type { StudyStore } from './study-store.js';

/**
 * The store is the single source of truth for the domain (src/domain): experiments, the run
 * queue with its leases, the audit trail of state changes and the workers. Backends (sqlite/,
 * later postgres/) implement this interface and pass the same conformance suite
 * (test/integration/store). Every method that changes state is one transaction.
 */

/** A run to add; a batch never holds the same hash twice, nor do the batches of one add. */
export interface NewRun {
  hash: string;
  /** The parameters as JSON text, as the run will be listed. */
  paramsJson: string;
}

export interface EnqueueOptions {
  now: number;
  retries: number;
  priority?: number;
  /** The spec version the runs are planned with (default: the experiment's latest). */
  specVersion?: number;
  /**
   * The versions of the same settings and command as the planned one (default: the planned
   * version alone): their runs are the plan's own, and a COMPLETED one is the cache. A run of
   * another version is not; the run is planned anew beside it.
   */
  equivalentVersions?: readonly number[];
  /**
   * Existing runs in these states go back to PENDING, as the planned version (e.g. FAILED on
   * `labbook run`); of other versions, only FAILED and CANCELLED ones (a result is kept).
   */
  requeueStates?: readonly RunState[];
  /** PENDING runs of other versions with a planned run's parameters execute the planned version instead of keeping theirs. */
  movePending?: boolean;
}

export interface EnqueueCounts {
  planned: number;
  /** New runs, `replanned` of them beside runs of their parameters with other settings or another command. */
  added: number;
  replanned: number;
  requeued: number;
  /** PENDING runs of other versions that now execute the planned one (EnqueueOptions.movePending). */
  moved: number;
  /** Existing runs left as they were, by state (COMPLETED ones are the cache). */
  unchanged: Partial<Record<RunState, number>>;
}

export interface ClaimRequest {
  workerId: string;
  limit: number;
  now: number;
  leaseExpiresAt: number;
  /** Only runs of these experiments (all when absent). */
  experiments?: readonly string[];
  /** Never runs of these experiments (the worker cannot execute them). */
  excludeExperiments?: readonly string[];
  /**
   * How many of the claimed runs start now (all when absent). The others are claimed ahead:
   * their start time is recorded when they begin (beginRuns), and a worker lost before that
   * costs them nothing, not even their attempt number (reapExpiredLeases).
   */
  startNow?: number;
}

/** The fencing token of one attempt: an outcome is recorded only while it still holds. */
export interface Lease {
  runId: number;
  workerId: string;
  attempt: number;
}

export type RunOutcome =
  | { kind: 'completed'; result: JsonValue | null; exitCode?: number | null }
  | { kind: 'failed'; reason: string; error: string; exitCode?: number | null }
  /** Stopped by the worker (e.g. Ctrl-C): back to PENDING, no failure counted. */
  | {
      kind: 'released';
      reason: string;
      /** Claimed but never started: the attempt is given back too. */
      notStarted?: boolean;
    };

/** One attempt's outcome to record, fenced by its lease, with the environment it ran on when known. */
export interface FinishRequest {
  lease: Lease;
  outcome: RunOutcome;
  environment?: JsonValue;
}

/** The attempt of a run recorded by hand (a script run without a worker) to start: Store.startRunByHand. */
export interface HandRunRequest {
  experiment: string;
  hash: string;
  paramsJson: string;
  /** The spec recorded for an experiment first seen here (its runs have no spec version). */
  spec: JsonValue;
  workerId: string;
  now: number;
  leaseExpiresAt: number;
}

/** The run, RUNNING under the request's lease; or, left alone, the run another holder's lease still holds. */
export type HandRunStart = { started: RunRecord } | { busy: RunRecord };

export interface ReapedRun {
  id: number;
  state: RunState;
  attempt: number;
  workerId: string | null;
}

export interface ListOptions {
  limit?: number;
  offset?: number;
}

/** How a page of runs is ordered: by a key as a query names it (parseKeyExpression), ascending unless `descending`. */
export interface RunSort {
  key: KeyExpression;
  descending?: boolean;
}

export interface RunPageRequest {
  /** Run order (by id) when absent. */
  sort?: RunSort;
  limit: number;
  offset: number;
}

/** A page of the runs a filter selects, and how many it selects in all. */
export interface RunPage {
  total: number;
  runs: RunRecord[];
}

export interface Store extends CodeStore, ProvenanceStore, RunOrderStore, SeriesStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Where the store is, for messages (a path, or a URL without its password). */
  readonly location: string;
  /** Directory for files beside the database: objects, run directories. */
  readonly dataDir: string;
  /** Hyper-parameter studies (docs/studies.md). */
  readonly studies: StudyStore;
  /** What LABBOOK_STORE names the store by for the processes of its runs: its directory, or its URL. */
  readonly reference: string;
  close(): Promise<void>;

  /**
   * Creates the experiment or makes `spec` its latest; a spec unlike its latest version's
   * becomes the next version, unless `asLatestVersion` says its runs execute as that one's.
   */
  saveExperiment(name: string, spec: JsonValue, now: number, options?: { asLatestVersion?: boolean }): Promise<ExperimentRecord>;
  getExperiment(name: string): Promise<ExperimentRecord | undefined>;
  getExperimentById(id: number): Promise<ExperimentRecord | undefined>;
  listExperiments(): Promise<ExperimentRecord[]>;
  getSpecVersion(experimentId: number, version: number): Promise<SpecVersion | undefined>;
  /** Oldest first. */
  listSpecVersions(experimentId: number): Promise<SpecVersion[]>;

  /**
   * Adds the runs an experiment does not have yet, batch after batch (a grid of millions is
   * never held in memory), in transactions of many batches each: an add that stops halfway
   * keeps the runs it added, and adding again adds the rest. See EnqueueOptions for the
   * runs it has.
   */
  enqueueRuns(experimentId: number, runs: Iterable<readonly NewRun[]>, options: EnqueueOptions): Promise<EnqueueCounts>;
  claimRuns(request: ClaimRequest): Promise<RunRecord[]>;
  /**
   * Records the start of runs the worker claimed ahead, just before it begins them; returns
   * the ids it still holds (the others' leases are gone: they must not begin).
   */
  beginRuns(workerId: string, runIds: readonly number[], now: number): Promise<number[]>;
  /** Extends the leases still held by the worker; returns the ids it still holds. */
  renewLeases(workerId: string, runIds: readonly number[], leaseExpiresAt: number, now: number): Promise<number[]>;
  /** Records an attempt's outcome; undefined when the lease no longer holds (nothing written). */
  finishRun(lease: Lease, outcome: RunOutcome, now: number): Promise<RunState | undefined>;
  /**
   * Records several attempts' outcomes, each with the environment it ran on when given, in one
   * transaction: per request, the run's new state, or undefined when its lease no longer holds.
   */
  finishRuns(requests: readonly FinishRequest[], now: number): Promise<Array<RunState | undefined>>;
  /** Finds (by hash) or adds the run of a script run by hand and starts its next attempt under a lease. */
  startRunByHand(request: HandRunRequest): Promise<HandRunStart>;
  /** Runs whose lease expired go back to PENDING (or FAILED after `maxLosses` lost workers). */
  reapExpiredLeases(now: number, maxLosses: number): Promise<ReapedRun[]>;
  /** PENDING or RUNNING runs matching the filter become CANCELLED; returns how many. */
  cancelRuns(filter: RunFilter, now: number): Promise<number>;
  /** Runs matching the filter (its states are required) go back to PENDING with a fresh retry budget. */
  resetRuns(filter: RunFilter & { states: readonly RunState[] }, now: number): Promise<number>;

  getRun(id: number): Promise<RunRecord | undefined>;
  findRunsByHashPrefix(prefix: string, limit: number): Promise<RunRecord[]>;
  listRuns(filter: RunFilter, options?: ListOptions): Promise<RunRecord[]>;
  /** `listRuns`, each run with only `fields` (at least one). */
  listRunFields<K extends keyof RunRecord>(filter: RunFilter, fields: readonly [K, ...K[]]): Promise<Array<Pick<RunRecord, K>>>;
  countRuns(filter: RunFilter): Promise<StateCount[]>;
  /** The runs `listRuns` gives, as a table of them shows them, with their metrics' last values, in one read. */
  listRunTableRows(filter: RunFilter): Promise<RunTableRow[]>;
  listRunEvents(runId: number): Promise<RunEvent[]>;
  /** Keys a query over these runs can name (for suggestions, `ls --keys` and default tables). */
  keyCatalog(filter: RunFilter): Promise<KeyCatalog>;
  /** Groups the runs the filter selects and aggregates keys per group, in the database. */
  aggregateRuns(filter: RunFilter, query: AggregateQuery): Promise<AggregateRow[]>;

  /** Records a blob whose file is already durable in the object directory (idempotent). */
  recordObject(object: StoredObject, now: number): Promise<void>;
  /** Makes `object` the run's latest checkpoint. */
  saveCheckpoint(runId: number, attempt: number, object: StoredObject, now: number): Promise<void>;
  getCheckpoint(runId: number): Promise<CheckpointRecord | undefined>;
  /** Appends points (one transaction) and folds them into the run's metric summaries. */
  appendMetrics(runId: number, attempt: number, points: readonly MetricPoint[]): Promise<void>;
  /** A series in logging order, of the given attempt (default: the latest that logged the key). */
  readMetrics(runId: number, key: string, attempt?: number): Promise<MetricPoint[]>;
  listMetricSummaries(runId: number): Promise<MetricSummary[]>;
  /** The metric summaries of every run the filter selects, by run id then key (for exports). */
  listRunsMetricSummaries(filter: RunFilter): Promise<Array<MetricSummary & { runId: number }>>;
  /** Lists a blob under the run by name (a later artifact of the same name replaces it). */
  addArtifact(artifact: Omit<ArtifactRecord, 'createdAt'>, now: number): Promise<void>;
  listArtifacts(runId: number): Promise<ArtifactRecord[]>;
  saveEnvironment(runId: number, attempt: number, data: JsonValue): Promise<void>;
  /** The environment of the given attempt (default: the latest recorded). */
  getEnvironment(runId: number, attempt?: number): Promise<JsonValue | undefined>;

  /** A page of the selected runs, sorted, with their total (the dashboard's runs table). */
  pageRuns(filter: RunFilter, request: RunPageRequest): Promise<RunPage>;
  /** The feed of changes, for live views: where it ends now, and what came after given ids. */
  feedHead(): Promise<FeedHead>;
  runEventsAfter(afterId: number, limit: number): Promise<FeedRunEvent[]>;
  metricPointsAfter(afterSeq: number, limit: number): Promise<FeedMetricPoint[]>;

  /**
   * Calls `onPending` when runs may have become PENDING through another process (added,
   * reset, given back), so an idle worker claims at once; resolves with what stops watching.
   * A backend that cannot tell leaves it out: workers poll.
   */
  watchPendingRuns?(onPending: () => void): Promise<() => Promise<void>>;

  registerWorker(worker: Omit<WorkerRecord, 'stoppedAt' | 'heartbeatAt'>): Promise<void>;
  stopWorker(id: string, now: number): Promise<void>;
  /** Every worker registered, oldest first; with `running`, only those not stopped (the few a session checks). */
  listWorkers(filter?: WorkerFilter): Promise<WorkerRecord[]>;
}

export interface WorkerFilter {
  running?: boolean;
}
