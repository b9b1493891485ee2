import { hostname } from 'node:os';
import type { StudyDefinition, StudyRecord, TrialOutcome, TrialQueueing, TrialRecord } from '../domain/study.js';
import { StudyNotFoundError, TrialFinishedError, TrialNotFoundError, UsageError } from '../errors.js';
import { type Clock, systemClock } from '../queue/clock.js';
import { type Pruner, Rng, type Sampler, type SearchSpace } from '../search/index.js';
import { defineSearchSpace } from '../search/space-schema.js';
import type { Store } from '../store/types.js';
import { prunerOf, samplerOf } from './search-components.js';

/** How long an asked trial stays its client's without a renewal: then another client is handed it. */
export const TRIAL_LEASE_MS = 30_000;

export interface StudyOptions {
  clock?: Clock;
  /** Who holds the trials this handle asks (default: host, pid and a random tag). */
  owner?: string;
  trialLeaseMs?: number;
}

/**
 * A study's ask/tell handle (docs/studies.md), usable without the runner: ask() hands out a
 * trial, atomically in the store, so any number of handles in any processes share one study;
 * tell() records how it ended. The trials a handle holds are renewed while it is open; a
 * handle that dies leaves them to expire, and the next ask() of any handle takes them over.
 * Trial n draws its parameters from the generator (seed, n), so a study is reproducible.
 */
export class Study {
  private readonly held = new Set<number>();
  private renewal: NodeJS.Timeout | undefined;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  readonly owner: string;
  readonly space: SearchSpace;
  private readonly sampler: Sampler;
  private readonly pruner: Pruner | undefined;

  private constructor(
    private readonly store: Store,
    readonly record: StudyRecord,
    options: StudyOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.trialLeaseMs ?? TRIAL_LEASE_MS;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${Math.random().toString(16).slice(2, 8)}`;
    this.space = defineSearchSpace(record.space);
    this.sampler = samplerOf(record.sampler);
    this.pruner = record.pruner && prunerOf(record.pruner);
  }

  /** Creates the study (checking its space, sampler and pruner first), or loads it with `loadIfExists`. */
  static async create(store: Store, definition: StudyDefinition, options: StudyOptions & { loadIfExists?: boolean } = {}): Promise<Study> {
    checkDefinition(definition);
    const record = await store.studies.createStudy(definition, (options.clock ?? systemClock).now(), {
      loadIfExists: options.loadIfExists ?? false,
    });
    return new Study(store, record, options);
  }

  static async load(store: Store, name: string, options: StudyOptions = {}): Promise<Study> {
    const record = await store.studies.getStudy(name);
    if (!record) throw new StudyNotFoundError(name);
    return new Study(store, record, options);
  }

  get name(): string {
    return this.record.name;
  }

  /**
   * The next trial, RUNNING and held by this handle; undefined when the space is exhausted (a
   * grid tried in full). With `queue`, its run goes to the queue for workers (labbook tune).
   */
  async ask(options: { queue?: TrialQueueing } = {}): Promise<TrialRecord | undefined> {
    const now = this.clock.now();
    const { space, sampler, record } = this;
    const asked = await this.store.studies.askTrial({
      studyId: record.id,
      owner: this.owner,
      now,
      leaseExpiresAt: now + this.leaseMs,
      propose: (history, number) => sampler.ask(space, history, new Rng(record.seed, number)),
      ...(options.queue && { queue: options.queue }),
    });
    if (!asked) return undefined;
    this.hold(asked.trial.number);
    return asked.trial;
  }

  /** Records how trial `number` ended: a value per objective (COMPLETE), PRUNED or FAILED. */
  async tell(number: number, outcome: TrialOutcome): Promise<TrialRecord> {
    if (outcome.state === 'COMPLETE' && outcome.values.length !== this.record.directions.length) {
      throw new UsageError(
        `study '${this.name}' has ${this.record.directions.length} objective(s) (${this.record.objectives.join(', ')}); tell as many values, got ${outcome.values.length}`,
      );
    }
    const told = await this.store.studies.tellTrial(this.record.id, number, outcome, this.clock.now());
    if (!told) throw new TrialNotFoundError(this.name, number);
    this.held.delete(number);
    if (!told.told) throw new TrialFinishedError(this.name, number, told.trial.state);
    return told.trial;
  }

  /** Records an intermediate value: for the pruner, and as the trial's run's metric of the first objective's name. */
  async report(number: number, step: number, value: number): Promise<void> {
    const trial = await this.runningTrial(number);
    await this.store.studies.reportTrial(this.record.id, number, step, value);
    const run = await this.store.getRun(trial.runId);
    const point = { key: this.record.objectives[0] as string, step, value: Number.isFinite(value) ? value : null, at: this.clock.now() };
    if (run) await this.store.appendMetrics(run.id, run.attempt, [point]);
  }

  /** Reports the value, then whether the study's pruner stops the trial there (never without a pruner). */
  async shouldPrune(number: number, step: number, value: number): Promise<boolean> {
    await this.report(number, step, value);
    if (!this.pruner) return false;
    const trials = await this.trials();
    const trial = trials.find((t) => t.number === number) as TrialRecord;
    return this.pruner.shouldPrune(trial, step, value, { directions: this.record.directions, trials });
  }

  async trials(): Promise<TrialRecord[]> {
    return this.store.studies.listTrials(this.record.id);
  }

  /** Stops renewing; the trials it holds are handed to the next ask() at once (their client is gone). */
  async close(): Promise<void> {
    this.renewal = void clearInterval(this.renewal);
    if (this.held.size) await this.store.studies.renewTrials(this.record.id, this.owner, [...this.held], this.clock.now() - 1);
    this.held.clear();
  }

  private async runningTrial(number: number): Promise<TrialRecord> {
    const trial = (await this.trials()).find((t) => t.number === number);
    if (!trial) throw new TrialNotFoundError(this.name, number);
    if (trial.state !== 'RUNNING') throw new TrialFinishedError(this.name, number, trial.state);
    return trial;
  }

  private hold(number: number): void {
    this.held.add(number);
    this.renewal ??= setInterval(() => void this.renew(), this.leaseMs / 3).unref();
  }

  private async renew(): Promise<void> {
    const numbers = [...this.held];
    const kept = new Set(
      await this.store.studies.renewTrials(this.record.id, this.owner, numbers, this.clock.now() + this.leaseMs).catch(() => numbers), // a busy store: try again at the next renewal
    );
    for (const number of numbers) if (!kept.has(number)) this.held.delete(number);
  }
}

/** Refuses a definition whose parts do not fit together before anything is written. */
function checkDefinition(definition: StudyDefinition): void {
  defineSearchSpace(definition.space);
  samplerOf(definition.sampler);
  if (definition.pruner) prunerOf(definition.pruner);
  if (definition.directions.length === 0) throw new UsageError('a study needs at least one direction (minimize or maximize)');
  if (definition.objectives.length !== definition.directions.length) {
    throw new UsageError(
      `name one objective per direction: ${definition.directions.length} direction(s), ${definition.objectives.length} objective(s)`,
    );
  }
  if (!Number.isSafeInteger(definition.seed)) throw new UsageError(`a study's seed is a whole number, got ${definition.seed}`);
  if (definition.pruner && definition.directions.length > 1)
    throw new UsageError('pruning works on one objective; drop the pruner or keep one direction');
}
