import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { onSharedBase } from '../domain/environment-base.js';
import type { RunRecord, RunState } from '../domain/index.js';
import { LeaseLostError, type ResourcesExceedMachineError } from '../errors.js';
import type { Queue } from '../queue/queue.js';
import { executesRuns } from '../spec/executes-runs.js';
import { specFromRaw } from '../spec/load-spec.js';
import type { ExperimentSpec, JsonObject, JsonValue } from '../spec/types.js';
import type { RunOutcome } from '../store/types.js';
import { EnvironmentCapture, type PythonInfo } from '../track/environment.js';
import { runsPerSlot, runsToClaimAhead, TypicalRunTime } from './claim-policy.js';
import type { Execution, Executor, RunEnd, StopReason } from './executor.js';
import { LoadOnce } from './load-once.js';
import type { Machine } from './machine.js';
import type { MetricBatcher } from './metric-batcher.js';
import { OutcomeWriter } from './outcome-writer.js';
import { Preemption } from './preemption.js';
import { inCodeSnapshot, inSnapshotEnvironment } from './run-in-snapshot.js';
import { RunPacker } from './run-packer.js';
import type { RunTracking } from './run-tracking.js';
import { CodeSnapshotMissingError, DriverNotRunningError, NothingToExecuteError, NotRunnableError } from './runner-errors.js';
import { SignalSettle } from './signal-settle.js';
import { keepSpaceReserve } from './space-reserve.js';
import { WorkerStop } from './worker-stop.js';

/** What a worker reports as runs go (for progress lines, summaries and notifications). */
export type WorkerEvent =
  | { type: 'started'; run: RunRecord }
  /** `state` is where the run went: COMPLETED, PENDING (to be retried or requeued) or FAILED. */
  | { type: 'finished'; run: RunRecord; end: RunEnd; state: RunState; stop?: StopReason }
  /** The run's lease was lost (cancelled, reset, or expired): nothing of this attempt was recorded. */
  | { type: 'lost'; run: RunRecord };

/** Creates the executor for a kind of run, once per worker (commands, functions). */
export interface ExecutorFactory {
  forSpec(spec: ExperimentSpec): Promise<Executor>;
  /** What a run of `spec` executes, as recorded in its environment. */
  commandLineOf(spec: ExperimentSpec): readonly string[];
  /** The interpreter that runs of `spec` execute in, when it describes itself (a Python driver). */
  pythonOf(spec: ExperimentSpec): PythonInfo | undefined;
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** The host and process the worker runs in, as the store records them (and its id begins with). */
  host: string;
  pid: number;
  slots: number;
  /** The project directory (runs start there; its git state is recorded). */
  cwd: string;
  /** Only runs of these experiments. */
  experiments?: readonly string[];
  /** Keep polling for new runs when the queue is empty (else stop). */
  wait?: boolean;
  pollMs?: number;
  /** Stop after claiming this many runs. */
  maxRuns?: number;
  /**
   * At most this many runs handed to each slot at once (default 1), for executors whose slots
   * queue them (a Python driver's, see DRIVER_RUNS_PER_SLOT): as many as take about
   * SLOT_AHEAD_MS on average.
   */
  runsPerSlot?: number;
  /** The machine whose CPUs, memory and GPUs runs are packed on by their `resources:` (none: runs take a slot only). */
  machine?: () => Machine;
  /** Asked when there is nothing to claim: true keeps the worker polling (runs held by others may come back). */
  waitWhile?: () => Promise<boolean>;
  onEvent?: (event: WorkerEvent) => void;
  /** Something went wrong outside any run (a store write that failed), or the worker stops (see Worker). */
  onWarning?: (message: string) => void;
}

export interface WorkerReport {
  claimed: number;
  completed: number;
  failed: number;
  requeued: number;
  lost: number;
}

interface ActiveRun {
  run: RunRecord;
  /** When it began (a Python driver's run, when its slot began it); until then it may go back unstarted. */
  startedAt?: number;
  execution?: Execution;
  stop?: StopReason;
  timer?: NodeJS.Timeout;
  /** It ended; its outcome is being written (its slot is free, its lease still held). */
  ended?: boolean;
}

/**
 * Claims runs and executes them, `slots` at a time: heartbeats keep their leases, a lost
 * lease stops the run, timeouts stop it as TIMED_OUT, and every outcome is written fenced
 * by the lease. `interrupt()` stops claiming; with `kill` it also stops the running runs,
 * which go back to PENDING. A worker that cannot go on (a full, read-only or damaged store,
 * its process launcher gone: an EnvironmentError) stops the same way: every run it holds goes
 * back to the queue without spending a retry, and run() rejects with that error.
 */
export class Worker {
  readonly id: string;
  /** The runs this worker holds: executing, or ended with their outcome being written. */
  private readonly active = new Map<number, ActiveRun>();
  /** Runs handed to executors and not ended (a slot may hold several, see runsPerSlot). */
  private executing = 0;
  /** Runs claimed ahead and not started yet; their leases are renewed like running ones'. */
  private readonly backlog: RunRecord[] = [];
  /** How long this worker's runs take, to decide whether claiming ahead pays. */
  private readonly runTimes = new TypicalRunTime();
  /** Per spec version: its spec, the executor of its runs, and the environment of this worker, captured at its first run of it. */
  private readonly specs = new LoadOnce<string, ExperimentSpec>();
  private readonly executorsBySpec = new LoadOnce<string, Executor>();
  private readonly environments = new LoadOnce<string, JsonValue>();
  private readonly metrics: MetricBatcher;
  private readonly outcomes: OutcomeWriter;
  private readonly environment = new EnvironmentCapture();
  /** Per captured environment: that of its runs without a seed, made once (and split and encoded once by the store). */
  private readonly unseeded = new WeakMap<JsonObject, JsonValue>();
  private draining = false;
  /** The last claim found fewer runs than it asked for. */
  private queueDrained = false;
  /** When it did: the worker claims again once a poll interval later, or when runs may have come (claimWanted). */
  private drainedAt = 0;
  /** Pending runs may have come since the queue was drained: queued by another process, or one of this worker's given back. */
  private claimWanted = false;
  private killing = false;
  private wake: (() => void) | undefined;
  private readonly report: WorkerReport = { claimed: 0, completed: 0, failed: 0, requeued: 0, lost: 0 };
  /** Experiments whose runs this worker gives back (see leaveUntouched). */
  private readonly notExecutable = new Set<string>();
  /** Whether, and why, this worker stops because it cannot go on. */
  private readonly stopping: WorkerStop;
  private readonly packer: RunPacker;
  private readonly preemption = new Preemption();
  private readonly signalSettle = new SignalSettle();

  constructor(
    private readonly queue: Queue,
    private readonly tracking: RunTracking,
    private readonly executors: ExecutorFactory,
    private readonly options: WorkerOptions,
  ) {
    this.id = `${options.host}-${options.pid}-${randomBytes(3).toString('hex')}`;
    this.stopping = new WorkerStop(queue, tracking, this.id, (error) => {
      this.warn(`stopping (${error.code}): the runs this worker holds go back to the queue without spending a retry`);
      this.interrupt(true);
    });
    this.metrics = tracking.metricBatcher((error) => {
      if (!this.stopping.on(error)) this.warn(`writing metrics failed: ${(error as Error).message}`);
    });
    this.outcomes = new OutcomeWriter(queue);
    this.packer = new RunPacker(options.machine, (run) => this.specOf(run));
  }

  /** Stops claiming; with `kill`, also stops running runs (they are requeued). */
  interrupt(kill: boolean): void {
    this.draining = true;
    void this.releaseBacklog().catch((error: unknown) => this.warn(`giving back runs not started failed: ${(error as Error).message}`));
    if (kill) {
      this.killing = true;
      this.signalSettle.stop();
    }
    for (const active of this.active.values()) {
      if (this.killing) this.stopRun(active, 'interrupt');
      // Runs that have not begun (waiting in a slot) go back to the queue too; one that began
      // before its executor heard of it runs on, as the others do.
      else if (active.startedAt === undefined) this.withdrawRun(active);
    }
    this.wake?.();
  }

  /**
   * Stops claiming and preempts the running runs: those that ask `preempted` have `graceMs` to
   * checkpoint and exit, the others are stopped now (see Preemption); a second call stops all now.
   */
  preempt(graceMs: number): void {
    this.signalSettle.stop();
    if (!this.preemption.begin(graceMs, () => this.interrupt(true))) {
      this.interrupt(true);
      return;
    }
    this.interrupt(false);
    for (const active of this.active.values()) if (!this.preemption.listens(active.run.id)) this.stopRun(active, 'interrupt');
  }

  get runningCount(): number {
    return this.active.size;
  }

  async run(): Promise<WorkerReport> {
    await this.queue.join({ id: this.id, host: this.options.host, pid: this.options.pid, info: { slots: this.options.slots } });
    mkdirSync(this.tracking.runsDirectory, { recursive: true });
    keepSpaceReserve(this.tracking.dataDir);
    const heartbeat = setInterval(() => void this.heartbeat(), Math.max(100, Math.floor(this.queue.leaseMs / 3)));
    // A store that can tell when runs are queued (PostgreSQL's notifications) ends an idle poll at once.
    const unwatch = await this.queue.watchPending(() => {
      this.claimWanted = true;
      this.wake?.();
    });
    const running = new Set<Promise<void>>();
    try {
      for (;;) {
        const perSlot = runsPerSlot(this.runTimes.ms, this.options.runsPerSlot ?? 1);
        const capacity = this.options.slots * perSlot;
        const free = capacity - this.executing;
        let budget = (this.options.maxRuns ?? Number.POSITIVE_INFINITY) - this.report.claimed;
        let started: RunRecord[] = [];
        let putOff = false;
        // Slots that queue runs are topped up once half of what they hold is done: one claim and
        // one write per slot for several runs, instead of one each per run that ends.
        if (!this.draining && free > 0 && (perSlot === 1 || free >= capacity / 2)) {
          const wanted = this.backlog.length === 0 && budget > 0;
          putOff = wanted && !this.mayClaim(running.size);
          if (wanted && !putOff) {
            // Short runs are claimed a few ahead: one transaction per batch instead of per run.
            // Slots that queue runs hold those instead, so all that is claimed is handed over (and begins) now.
            const ahead = perSlot === 1 ? runsToClaimAhead(this.runTimes.ms, this.options.slots) : 0;
            const limit = Math.min(free + ahead, budget);
            const claimed = await this.queue
              .claim(this.id, limit, {
                ...(this.options.experiments && { experiments: this.options.experiments }),
                excludeExperiments: [...this.notExecutable],
                // Runs that begin at once (on a slot with nothing to do, or in the queue of a slot that
                // holds runs: that counts as begun); the others get their start time when they begin.
                startNow: perSlot === 1 ? Math.max(0, this.options.slots - this.executing) : limit,
              })
              .catch((error: unknown) => (this.stopping.on(error) ? [] : Promise.reject(error)));
            this.report.claimed += claimed.length;
            this.queueDrained = claimed.length < limit;
            this.drainedAt = this.queue.clock.now();
            this.claimWanted = false;
            budget -= claimed.length;
            this.backlog.push(...claimed);
          }
          const ready = await this.packer.take(this.backlog, free, (run, error) => this.leaveUntouched(run, error));
          started = await this.begin(ready);
          this.packer.release(ready.filter((run) => !started.includes(run)));
        }
        for (const run of started) {
          const job = this.execute(run).finally(() => {
            running.delete(job);
            this.wake?.();
          });
          running.add(job);
        }
        if (started.length > 0 && this.executing < capacity) continue;
        if (running.size === 0) {
          const canClaimMore = !this.draining && budget > 0;
          if (!canClaimMore) break;
          if (!this.options.wait && !(await this.options.waitWhile?.())) break;
          await this.sleep(this.pollMs);
          continue;
        }
        // A claim put off is made a poll interval after the claim that drained the queue, even when no run ends meanwhile.
        const recheck = putOff ? setTimeout(() => this.wake?.(), this.drainedAt + this.pollMs - this.queue.clock.now()) : undefined;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        clearTimeout(recheck);
        this.wake = undefined;
      }
    } finally {
      clearInterval(heartbeat);
      this.preemption.end();
      await unwatch?.();
      await Promise.allSettled(running);
      await this.releaseBacklog();
      await this.metrics.flushAll();
      const notGivenBack = await this.stopping.giveBackRefused();
      if (notGivenBack) this.warn(notGivenBack);
      await this.queue.leave(this.id).catch((error: unknown) => this.stopping.on(error) || Promise.reject(error));
    }
    if (this.stopping.error) throw this.stopping.error;
    return { ...this.report };
  }

  /**
   * Runs claimed ahead get their start time in the store before they begin (one write for those
   * that begin together), so that a worker that dies costs a loss and an attempt number to
   * exactly the runs it began. Runs whose lease is gone meanwhile are left out; when the worker
   * began to stop meanwhile (its store failed, Ctrl-C), none begins: they go back with the backlog.
   */
  private async begin(runs: RunRecord[]): Promise<RunRecord[]> {
    const ahead = runs.filter((run) => run.startedAt === null).map((run) => run.id);
    if (ahead.length === 0) return runs;
    let held: Set<number> | undefined;
    try {
      held = new Set(await this.queue.begin(this.id, ahead));
    } catch (error) {
      if (!this.stopping.on(error)) throw error;
    }
    const kept = held ? runs.filter((run) => run.startedAt !== null || held.has(run.id)) : runs;
    if (!this.draining) return kept;
    this.backlog.unshift(...kept);
    return [];
  }

  private async execute(run: RunRecord): Promise<void> {
    const active: ActiveRun = { run };
    this.active.set(run.id, active);
    this.executing++;
    const freeSlot = () => {
      if (active.ended) return;
      active.ended = true;
      this.executing--;
      this.packer.release([run]);
      this.wake?.();
    };
    try {
      // Values made for an earlier run are read without an await (see LoadOnce).
      const version = specVersionKey(run);
      const known = this.specOf(run);
      const planned = known instanceof Promise ? await known : known;
      const snapshot = inCodeSnapshot(planned, this.tracking.dataDir, run.experiment);
      const spec = snapshot?.spec ?? planned;
      const executor = this.executorsBySpec.ready(version) ?? (await this.executorsBySpec.get(version, () => this.executors.forSpec(spec)));
      const runDir = this.tracking.runDirectory(run.id);
      // A command's directory is made by the launcher, in the run's own process before it
      // starts; a Python driver's slot makes it when the run writes something there; a
      // function's here (synchronously: cheaper than a thread-pool round trip).
      if (!spec.command && !spec.driver) makeRunDirectory(runDir);
      // The first capture of a worker probes git and Python: the run need not wait for it,
      // its outcome does (the environment is stored with the outcome, in one transaction).
      const environment = this.environmentOf(run, spec);
      if (environment instanceof Promise) environment.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
      const recorder = this.tracking.recorder(this.metrics, run.id, run.attempt, runDir);
      const devices = this.packer.devicesOf(run.id);
      const execution = executor.start({
        run,
        spec,
        runDir,
        recorder,
        preempted: () => this.preemption.ask(run.id),
        ...(devices && { devices }),
        ...(snapshot && { cwd: snapshot.cwd }),
      });
      active.execution = execution;
      if (active.stop) execution.stop(active.stop);
      let begunAt = 0;
      const begin = () => {
        begunAt = this.queue.clock.now();
        active.startedAt = this.queue.clock.now();
        this.options.onEvent?.({ type: 'started', run });
        if (spec.timeout !== undefined) active.timer = setTimeout(() => this.stopRun(active, 'timeout'), spec.timeout * 1000);
      };
      if (execution.begun) void execution.begun.then(begin);
      else begin();
      const end = await execution.ended;
      freeSlot(); // the next run may start while this one's outcome is written
      clearTimeout(active.timer);
      if (!recorder.idle) await recorder.close();
      if (!end.ok && end.notStarted) {
        await this.releaseUnstarted(run);
        return;
      }
      this.runTimes.add(this.queue.clock.now() - begunAt);
      // Killed by a signal that reached this worker too (a scheduler's cancel): stopped, not failed.
      const stoppedAround = !active.stop && this.signalSettle.workerStoppedAround(end);
      if (stoppedAround instanceof Promise ? await stoppedAround : stoppedAround) active.stop = 'interrupt';
      await this.record(active, this.describeEnd(end, active.stop, spec), environment instanceof Promise ? await environment : environment);
    } catch (error) {
      clearTimeout(active.timer);
      if (error instanceof DriverNotRunningError || error instanceof NothingToExecuteError || error instanceof CodeSnapshotMissingError) {
        await this.leaveUntouched(run, error);
        return;
      }
      if (this.stopping.on(error)) {
        await this.record(active, { ok: false, reason: 'stopped', error: '', exitCode: null });
        return;
      }
      const end: RunEnd =
        error instanceof NotRunnableError
          ? { ok: false, reason: 'not runnable', error: error.message, exitCode: null }
          : { ok: false, reason: 'worker error', error: `labbook could not execute the run: ${(error as Error).message}`, exitCode: null };
      await this.record(active, end);
    } finally {
      freeSlot();
      this.active.delete(run.id);
      this.preemption.forget(run.id);
    }
  }

  /**
   * The outcome to store. A timeout is the reason TIMED_OUT; the error is what the run said
   * (its stderr tail, its stack) followed by how it ended, so its last line is the headline.
   */
  private describeEnd(end: RunEnd, stop: StopReason | undefined, spec: ExperimentSpec): RunEnd {
    if (end.ok) return end;
    if (stop === 'timeout') {
      const note = `[labbook] timed out after ${spec.timeout}s; the run was stopped`;
      return { ok: false, reason: 'TIMED_OUT', error: end.error ? `${end.error}\n${note}` : note, exitCode: end.exitCode };
    }
    return { ...end, error: end.error || `${end.reason} (the run wrote nothing to stderr)` };
  }

  /**
   * Stores the outcome of the run's attempt, with the environment it ran on when known. When
   * the store refuses it for a reason that stops the worker, the run is given back instead.
   */
  private async record(active: ActiveRun, end: RunEnd, environment?: JsonValue): Promise<void> {
    const { run } = active;
    const stop = active.stop ?? (this.preemption.knows(run.id) ? 'interrupt' : undefined);
    const outcome = this.outcomeOf(active, end);
    const lease = { runId: run.id, workerId: this.id, attempt: run.attempt };
    let state: RunState | undefined;
    try {
      // The last run executing, with nothing left to claim: no other outcome is coming to share
      // the transaction, so no need to wait for one. (Short runs begun one at a time are often
      // alone for a moment: their outcomes still wait, to share a commit.)
      const alone = this.executing === 0 && this.backlog.length === 0 && this.queueDrained;
      state = outcome && (await this.outcomes.write({ lease, outcome, ...(environment !== undefined && { environment }) }, alone));
    } catch (error) {
      if (!this.stopping.on(error)) throw error;
      this.stopping.refuse(run, active.startedAt === undefined);
      return;
    }
    if (state === undefined) {
      this.report.lost++;
      this.options.onEvent?.({ type: 'lost', run });
      return;
    }
    if (state === 'COMPLETED') this.report.completed++;
    else if (state === 'FAILED') this.report.failed++;
    else {
      this.report.requeued++;
      this.claimWanted = true; // a retry, this worker's to claim again
    }
    // A run given back because the worker stops is reported as stopped, whatever it did.
    const stopped = stop ?? (this.stopping.error && 'interrupt');
    this.options.onEvent?.({ type: 'finished', run, end, state, ...(stopped && { stop: stopped }) });
  }

  /**
   * What to store of a run's end: nothing when its lease was lost; a release (no retry spent)
   * when the worker stopped it, or when the worker is stopping because it cannot go on (the
   * run may have failed of the same cause: a full disk), or when it heard it is preempted. A run
   * that never began gives its attempt back too.
   */
  private outcomeOf(active: ActiveRun, end: RunEnd): RunOutcome | undefined {
    // A run that heard it is preempted saved its work to go on later, whatever its exit status.
    if (this.preemption.knows(active.run.id) || (!end.ok && (active.stop === 'interrupt' || this.stopping.error))) {
      return { kind: 'released', reason: this.stopping.releaseReason, ...(active.startedAt === undefined && { notStarted: true }) };
    }
    if (end.ok) return { kind: 'completed', result: end.result, exitCode: end.exitCode };
    if (active.stop === 'lease-lost') return undefined;
    return { kind: 'failed', reason: end.reason, error: end.error, exitCode: end.exitCode };
  }

  /**
   * A run this worker cannot execute (a Python driver's, without that driver; one whose spec
   * says nothing to execute; one that asks for more than the machine has; one of a code snapshot
   * not on this machine) goes back to the queue untouched, and the worker claims no more of its
   * experiment.
   */
  private async leaveUntouched(
    run: RunRecord,
    reason: DriverNotRunningError | NothingToExecuteError | ResourcesExceedMachineError | CodeSnapshotMissingError,
  ): Promise<void> {
    if (!this.notExecutable.has(run.experiment)) this.warn(`skipping ${reason.message}`);
    this.notExecutable.add(run.experiment);
    await this.releaseUnstarted(run);
  }

  /** Runs claimed ahead that will not be started go back to the queue, no attempt spent. */
  private async releaseBacklog(): Promise<void> {
    for (const run of this.backlog.splice(0)) await this.releaseUnstarted(run);
  }

  /** Gives a claimed run back as it was: no attempt spent, not counted as claimed here. */
  private async releaseUnstarted(run: RunRecord): Promise<void> {
    try {
      await this.queue.release({ runId: run.id, workerId: this.id, attempt: run.attempt }, 'not started', { notStarted: true });
      this.report.claimed--;
      this.claimWanted = true; // pending again: this worker may claim it back (its slot went away, say)
    } catch (error) {
      if (error instanceof LeaseLostError) return;
      if (!this.stopping.on(error)) throw error;
      this.stopping.refuse(run, true);
    }
  }

  /**
   * Whether to claim now. Once a claim found the queue drained, the runs that end do not each
   * claim again (at the end of a sweep, a transaction per run for nothing): the worker claims
   * when pending runs may have come, when it has nothing running, or a poll interval later (a
   * timer wakes it then if no run ends before: runs queued meanwhile by another process fill its
   * free slots within a poll interval, whatever the runs it holds).
   */
  private mayClaim(running: number): boolean {
    if (!this.queueDrained || this.claimWanted || running === 0) return true;
    return this.queue.clock.now() - this.drainedAt >= this.pollMs;
  }

  /** How often a worker looks for runs when none comes by itself. */
  private get pollMs(): number {
    return this.options.pollMs ?? 1_000;
  }

  private stopRun(active: ActiveRun, reason: StopReason): void {
    if (active.stop || active.ended) return;
    active.stop = reason;
    active.execution?.stop(reason);
  }

  /** A run not yet handed to its executor is stopped before it starts; one handed over is withdrawn. */
  private withdrawRun(active: ActiveRun): void {
    if (active.ended) return;
    if (active.execution) active.execution.withdraw();
    else this.stopRun(active, 'interrupt');
  }

  private async heartbeat(): Promise<void> {
    try {
      const lost = new Set(await this.queue.heartbeat(this.id, [...this.active.keys(), ...this.backlog.map((run) => run.id)]));
      for (const runId of lost) {
        const active = this.active.get(runId);
        if (active) this.stopRun(active, 'lease-lost');
      }
      for (let i = this.backlog.length - 1; i >= 0; i--) {
        if (lost.has((this.backlog[i] as RunRecord).id)) this.backlog.splice(i, 1);
      }
    } catch (error) {
      if (!this.stopping.on(error)) this.warn(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  /**
   * The environment is captured once per worker and spec version (git state, machine, Python
   * packages), not per run: runs of one worker session share their code, and a git probe
   * per run would cost more than a short run. The run's own seed is set per run.
   */
  private environmentOf(run: RunRecord, spec: ExperimentSpec): JsonValue | Promise<JsonValue> {
    const version = specVersionKey(run);
    const captured = this.environments.ready(version);
    if (captured !== undefined) return this.withSeedOf(run, captured as JsonObject);
    const capturing = this.environments.get(version, () =>
      this.environment
        .capture({
          cwd: this.options.cwd,
          argv: this.executors.commandLineOf(spec),
          python: this.executors.pythonOf(spec),
          params: {},
        })
        .then((environment) => inSnapshotEnvironment(environment as JsonObject, spec, this.tracking.dataDir)),
    );
    return capturing.then((base) => this.withSeedOf(run, base as JsonObject));
  }

  /** The worker's environment `base` with the run's seed (one object for every run without a seed). */
  private withSeedOf(run: RunRecord, base: JsonObject): JsonValue {
    const seed = run.params.seed;
    if (seed !== undefined) return onSharedBase(base, { seed });
    let environment = this.unseeded.get(base);
    if (environment === undefined) {
      environment = onSharedBase(base, { seed: null });
      this.unseeded.set(base, environment);
    }
    return environment;
  }

  /** The spec a run executes: the version it was planned with, loaded once per worker (at once when loaded before). */
  private specOf(run: RunRecord): ExperimentSpec | Promise<ExperimentSpec> {
    const version = specVersionKey(run);
    return this.specs.ready(version) ?? this.specs.get(version, () => this.loadSpec(run));
  }

  private async loadSpec(run: RunRecord): Promise<ExperimentSpec> {
    const stored = await this.queue.plannedSpec(run);
    if (stored === undefined) throw new NotRunnableError(run.experiment, 'its spec is not in the store any more');
    let spec: ExperimentSpec;
    try {
      spec = specFromRaw(stored).spec;
    } catch (error) {
      throw new NotRunnableError(run.experiment, `its stored spec is not valid (${(error as Error).message})`);
    }
    if (!executesRuns(spec)) throw new NothingToExecuteError(run.experiment);
    return spec;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }
}

/** Runs of one experiment and spec version execute the same spec (and record the same command line). */
function specVersionKey(run: RunRecord): string {
  return `${run.experimentId}@${run.specVersion}`;
}

/**
 * Makes a run's directory (its parent, runs/, is made when the worker starts); a retry finds
 * it there. Not `recursive: true`: Node's recursive mkdir costs several times a plain one.
 */
function makeRunDirectory(runDir: string): void {
  try {
    mkdirSync(runDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
