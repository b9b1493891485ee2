import type { ExperimentRecord, RunFilter, RunRecord, RunState } from '../domain/index.js';
import { LeaseLostError } from '../errors.js';
import { planRuns } from '../spec/expand-grid.js';
import { checkGridSize, DEFAULT_GRID_LIMIT } from '../spec/grid-size.js';
import type { LoadedSpec } from '../spec/load-spec.js';
import { runSetupOf } from '../spec/run-setup.js';
import { describeSpecChanges, differsBeyondGrid } from '../spec/spec-changes.js';
import type { JsonValue } from '../spec/types.js';
import type { ClaimRequest, EnqueueCounts, FinishRequest, Lease, ReapedRun, Store } from '../store/types.js';
import { type Clock, systemClock } from './clock.js';
import { MAX_WORKER_LOSSES } from './run-state.js';

export interface QueueOptions {
  clock?: Clock;
  /** How long a claim holds without a heartbeat. */
  leaseMs?: number;
  maxWorkerLosses?: number;
  /** Reap expired leases before a claim at most this often (0: before every claim). */
  reapIntervalMs?: number;
}

export type ClaimOptions = Pick<ClaimRequest, 'experiments' | 'excludeExperiments' | 'startNow'>;

export interface EnqueueSpecOptions {
  /** Existing runs of the grid in these states go back to PENDING (e.g. FAILED on `labbook run`). */
  requeueStates?: readonly RunState[];
  priority?: number;
  /** PENDING runs of earlier versions that this grid plans execute this version instead of theirs (and are not planned twice). */
  movePending?: boolean;
  /** A COMPLETED run is the cache only if it ran the same code snapshot (--rerun-if-code-changed). */
  cacheByCode?: boolean;
  /** The most runs the grid may plan (default DEFAULT_GRID_LIMIT); a larger one is refused before anything is written. */
  gridLimit?: number;
}

export interface EnqueueResult {
  /** The experiment; its specVersion is the version the runs were planned with. */
  experiment: ExperimentRecord;
  counts: EnqueueCounts;
  /** The versions of the same settings and command as this one: their runs are this spec's runs. */
  equivalentVersions: number[];
  /** When the spec is a new version: the one before it and what changed since. */
  changedFrom?: { version: number; changes: string[] };
  /** PENDING runs of earlier versions that differ in more than the grid: they execute the version they were planned with. */
  pendingOfEarlierVersions: number;
}

export const DEFAULT_LEASE_MS = 30_000;

/**
 * Queue semantics over a Store: leases are timed from an injectable clock, outcomes are
 * fenced by the lease, and expired leases are reaped before anything is claimed.
 */
export class Queue {
  readonly clock: Clock;
  readonly leaseMs: number;
  private readonly maxWorkerLosses: number;
  private readonly reapIntervalMs: number;
  private lastReapAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly store: Store,
    options: QueueOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.maxWorkerLosses = options.maxWorkerLosses ?? MAX_WORKER_LOSSES;
    this.reapIntervalMs = options.reapIntervalMs ?? 0;
  }

  /**
   * Saves the spec (one that changes more than the grid as the experiment's next version) and
   * adds its runs, each planned with that version. Idempotent: runs already in the store are left alone unless
   * their state is in `requeueStates`. A run with the same parameters, settings and command
   * is the spec's own (a COMPLETED one is the cache); one of other settings or another
   * command stays in the store as it is, and the run is planned anew beside it.
   */
  async enqueue(loaded: LoadedSpec, options: EnqueueSpecOptions = {}): Promise<EnqueueResult> {
    checkGridSize(loaded.spec, options.gridLimit ?? DEFAULT_GRID_LIMIT);
    const now = this.clock.now();
    const raw = loaded.raw as unknown as JsonValue;
    const before = await this.store.getExperiment(loaded.spec.name);
    const latest = before?.specVersion ? await this.store.getSpecVersion(before.id, before.specVersion) : undefined;
    // Another grid alone makes no new version: a run takes its own parameters from it.
    const asLatestVersion = latest !== undefined && !differsBeyondGrid(latest.spec, raw);
    const experiment = await this.store.saveExperiment(loaded.spec.name, raw, now, { asLatestVersion });
    const versions = await this.store.listSpecVersions(experiment.id);
    const withCode = { withCode: options.cacheByCode === true };
    const setup = runSetupOf(raw, withCode);
    const equivalentVersions = versions.filter((version) => runSetupOf(version.spec, withCode) === setup).map((version) => version.version);
    const counts = await this.store.enqueueRuns(experiment.id, planRuns(loaded.spec), {
      now,
      retries: loaded.spec.retries,
      specVersion: experiment.specVersion,
      equivalentVersions,
      ...(options.priority !== undefined && { priority: options.priority }),
      ...(options.requeueStates && { requeueStates: options.requeueStates }),
      ...(options.movePending && { movePending: true }),
    });
    const previous = before && experiment.specVersion > before.specVersion ? latest : undefined;
    const earlier = versions
      .filter((version) => version.version < experiment.specVersion && differsBeyondGrid(version.spec, raw))
      .map((version) => version.version);
    const pending =
      earlier.length > 0 ? await this.store.countRuns({ experiments: [experiment.name], states: ['PENDING'], specVersions: earlier }) : [];
    return {
      experiment,
      counts,
      equivalentVersions,
      ...(previous && { changedFrom: { version: previous.version, changes: describeSpecChanges(previous.spec, raw) } }),
      pendingOfEarlierVersions: pending.reduce((sum, row) => sum + row.count, 0),
    };
  }

  /** Claims up to `limit` runs (see ClaimRequest for the options). */
  async claim(workerId: string, limit: number, options: ClaimOptions = {}): Promise<RunRecord[]> {
    if (this.clock.now() - this.lastReapAt >= this.reapIntervalMs) await this.reapExpired();
    const now = this.clock.now();
    const { experiments, excludeExperiments, startNow } = options;
    return this.store.claimRuns({
      workerId,
      limit,
      now,
      leaseExpiresAt: now + this.leaseMs,
      ...(experiments && { experiments }),
      ...(excludeExperiments?.length && { excludeExperiments }),
      ...(startNow !== undefined && { startNow }),
    });
  }

  /** A worker announces itself before it claims (the store lists workers with their host and pid). */
  async join(worker: { id: string; host: string; pid: number; info: JsonValue }): Promise<void> {
    await this.store.registerWorker({ ...worker, startedAt: this.clock.now() });
  }

  /** A worker that stops says so. */
  async leave(workerId: string): Promise<void> {
    await this.store.stopWorker(workerId, this.clock.now());
  }

  /**
   * Calls `onPending` when other processes queue runs, where the store can tell (PostgreSQL);
   * resolves with what stops it (undefined where the store cannot: workers poll).
   */
  async watchPending(onPending: () => void): Promise<(() => Promise<void>) | undefined> {
    return this.store.watchPendingRuns?.(onPending);
  }

  /**
   * The raw spec a run executes: the version it was planned with; for a run recorded by hand
   * (no version), its experiment's spec, which says it has nothing to execute.
   */
  async plannedSpec(run: RunRecord): Promise<JsonValue | undefined> {
    if (run.specVersion === null) return (await this.store.getExperimentById(run.experimentId))?.spec;
    return (await this.store.getSpecVersion(run.experimentId, run.specVersion))?.spec;
  }

  /** Records the start of runs claimed ahead, before they begin; returns those the worker still holds. */
  async begin(workerId: string, runIds: readonly number[]): Promise<number[]> {
    return this.store.beginRuns(workerId, runIds, this.clock.now());
  }

  /** Extends the worker's leases; returns the runs it lost (cancelled, reset or reaped). */
  async heartbeat(workerId: string, runIds: readonly number[]): Promise<number[]> {
    const now = this.clock.now();
    const kept = new Set(await this.store.renewLeases(workerId, runIds, now + this.leaseMs, now));
    return runIds.filter((id) => !kept.has(id));
  }

  async complete(lease: Lease, result: JsonValue | null, exitCode: number | null = null): Promise<RunState> {
    return this.finish(lease, await this.store.finishRun(lease, { kind: 'completed', result, exitCode }, this.clock.now()));
  }

  /** Records a failure of the run itself; returns PENDING if it will be retried, else FAILED. */
  async fail(lease: Lease, reason: string, error: string, exitCode: number | null = null): Promise<RunState> {
    return this.finish(lease, await this.store.finishRun(lease, { kind: 'failed', reason, error, exitCode }, this.clock.now()));
  }

  /** Gives the run back without counting a failure (the worker was interrupted, or never started it). */
  async release(lease: Lease, reason = 'interrupted', options: { notStarted?: boolean } = {}): Promise<RunState> {
    const outcome = { kind: 'released' as const, reason, ...(options.notStarted && { notStarted: true }) };
    return this.finish(lease, await this.store.finishRun(lease, outcome, this.clock.now()));
  }

  /** Records several outcomes in one transaction; per request, the new state, or undefined when its lease is gone. */
  async finishAll(requests: readonly FinishRequest[]): Promise<Array<RunState | undefined>> {
    return this.store.finishRuns(requests, this.clock.now());
  }

  async reapExpired(): Promise<ReapedRun[]> {
    this.lastReapAt = this.clock.now();
    return this.store.reapExpiredLeases(this.lastReapAt, this.maxWorkerLosses);
  }

  /** A new PENDING run that executes run `runId` again (its spec version, parameters and seed), claimed first in its experiment. */
  async rerun(runId: number): Promise<RunRecord | undefined> {
    return this.store.addRerun(runId, this.clock.now());
  }

  async cancel(filter: RunFilter): Promise<number> {
    return this.store.cancelRuns(filter, this.clock.now());
  }

  async reset(filter: RunFilter & { states: readonly RunState[] }): Promise<number> {
    return this.store.resetRuns(filter, this.clock.now());
  }

  private finish(lease: Lease, state: RunState | undefined): RunState {
    if (state === undefined) throw new LeaseLostError(lease.runId);
    return state;
  }
}
