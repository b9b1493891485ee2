import { type RunFilter, type RunRecord, type StateCounts, zeroStateCounts } from '../domain/index.js';
import { createNotifier, type RunNotice } from '../notify/index.js';
import type { Clock } from '../queue/clock.js';
import { Queue } from '../queue/queue.js';
import { specFromRaw } from '../spec/load-spec.js';
import type { ExperimentSpec, NotifyConfig } from '../spec/types.js';
import type { Store } from '../store/types.js';
import { errorLine } from '../util/error-line.js';
import type { Log } from '../util/log.js';
import type { PruneHook } from './command-executor.js';
import type { DriverExecutor } from './driver-executor.js';
import { EXECUTOR_RUNS_PER_SLOT, Executors } from './executors.js';
import type { Machine } from './machine.js';
import { trackingOf } from './run-tracking.js';
import { Worker, type WorkerEvent, type WorkerReport } from './worker.js';

export type { StateCounts };

/** How long a run that asks `preempted` has to checkpoint and exit when its worker is told to go. */
export const DEFAULT_PREEMPT_GRACE_MS = 30_000;

export interface SessionOptions {
  store: Store;
  clock: Clock;
  /** The host and process the session runs in, as the store records its worker. */
  host: string;
  pid: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  slots: number;
  /** Work on these experiments only (all when absent). */
  experiments?: readonly string[];
  /** The specs of `experiments` when the caller has them (it just added their runs): not read and normalised again. */
  specs?: readonly ExperimentSpec[];
  /** Keep polling for new runs when there are none. */
  wait: boolean;
  /** Also wait for runs other workers hold (a resume after a crash waits for their leases to expire). */
  waitForOthers: boolean;
  maxRuns?: number;
  /** The most runs each slot takes at once (WorkerOptions.runsPerSlot; default EXECUTOR_RUNS_PER_SLOT). */
  runsPerSlot?: number;
  /** The Python driver's executor, when the caller made it before the session (see ExecutorsOptions.driver). */
  driver?: DriverExecutor;
  leaseMs?: number;
  /** The machine whose CPUs, memory and GPUs runs are packed on by their `resources:` (WorkerOptions.machine). */
  machine?: () => Machine;
  killOnInterrupt: boolean;
  /** When running runs are stopped: how long those that ask `preempted` have to checkpoint and exit (default 30 s). */
  preemptGraceMs?: number;
  /** Where failures and the end of the session are announced (console, webhook, e-mail). */
  notify: readonly NotifyConfig[];
  /** Notes (a run to be retried, the console channel's notices) and warnings. */
  log: Log;
  onEvent?: (event: WorkerEvent) => void;
  /** Answers the `should_prune` of the runs this session executes (labbook tune and worker: a study's pruner). */
  shouldPrune?: PruneHook;
  /** With no run to execute, keep polling while this says so (labbook tune: until its study's budget is spent). */
  waitWhile?: () => Promise<boolean>;
  /** How often an idle session looks for runs (default 1 s). */
  pollMs?: number;
}

export interface SessionResult {
  report: WorkerReport;
  interrupted: boolean;
  counts: StateCounts;
  failures: RunRecord[];
  /** The ids of the runs this session started (whatever became of them). */
  started: number[];
}

/** How a session is asked to stop: SIGINT is Ctrl-C; SIGTERM (and a driver gone) stops running runs. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface Session {
  readonly result: Promise<SessionResult>;
  /**
   * Stops claiming; the first SIGINT lets running runs finish (unless killOnInterrupt), any other
   * preempts them (Worker.preempt), and one more stops them at once.
   */
  interrupt(signal: StopSignal): { kill: boolean; running: number };
}

/**
 * One `labbook run` or `labbook worker`: a worker with its executors and notifier. The caller
 * turns Ctrl-C and the like into `interrupt` (the CLI: src/cli/session-controls.ts); stopped
 * runs go back to PENDING.
 */
export function startSession(options: SessionOptions): Session {
  const { store, clock, log } = options;
  // A worker claims after every run: reaping dead workers' leases once a second is plenty.
  const queue = new Queue(store, { clock, reapIntervalMs: 1_000, ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }) });
  const filter: RunFilter = options.experiments ? { experiments: options.experiments } : {};
  log.debug(
    `session on ${store.location}: ${options.slots} slot${options.slots === 1 ? '' : 's'}, ` +
      `experiments ${options.experiments?.join(', ') ?? '(all)'}, lease ${queue.leaseMs / 1000}s`,
  );
  const startedAt = clock.now();
  const started: number[] = [];
  const startedExperiments = new Set<string>();
  const notifier = createNotifier(options.notify, {
    warn: (message) => log.warn(message),
    say: (line) => log.info(line),
    env: options.env,
  });
  const executors = new Executors({
    cwd: options.cwd,
    env: options.env,
    storeDir: store.reference,
    slots: options.slots,
    now: () => clock.now(),
    ...(options.shouldPrune && { shouldPrune: options.shouldPrune }),
    ...(options.driver && { driver: options.driver }),
  });
  const worker = new Worker(queue, trackingOf(store, clock), executors, {
    host: options.host,
    pid: options.pid,
    slots: options.slots,
    cwd: options.cwd,
    wait: options.wait,
    ...(options.experiments && { experiments: options.experiments }),
    ...(options.maxRuns !== undefined && { maxRuns: options.maxRuns }),
    runsPerSlot: options.runsPerSlot ?? EXECUTOR_RUNS_PER_SLOT,
    ...(options.machine && { machine: options.machine }),
    ...(options.pollMs !== undefined && { pollMs: options.pollMs }),
    ...(options.waitWhile && { waitWhile: options.waitWhile }),
    ...(options.waitForOthers && {
      waitWhile: async () => {
        const now = await countStates(store, filter);
        return now.RUNNING > worker.runningCount || now.PENDING > 0;
      },
    }),
    onEvent: (event) => {
      if (event.type === 'started') {
        started.push(event.run.id);
        startedExperiments.add(event.run.experiment);
      }
      if (event.type === 'finished') {
        if (!event.end.ok && event.state === 'FAILED') notifier.runFailed(noticeOf(event.run, event.end));
        else if (!event.end.ok && !event.stop) log.info(`run ${event.run.id} failed, will be retried: ${errorLine(event.end.error)}`);
      }
      options.onEvent?.(event);
    },
    onWarning: (message) => log.warn(message),
  });

  let interrupts = 0;
  const finish = async (): Promise<SessionResult> => {
    try {
      // What cannot run here (a command without the process launcher) is refused before any claim.
      for (const spec of options.specs ?? (await storedSpecs(store, options.experiments))) executors.assertCanExecute(spec);
      const report = await worker.run();
      const failures = await store.listRuns({ ...filter, states: ['FAILED'] });
      const result = { report, interrupted: interrupts > 0, counts: await countStates(store, filter), failures, started };
      // A worker of every experiment announces those it executed runs of: by name, with their counts.
      const executed = !options.experiments && startedExperiments.size > 0 ? { experiments: [...startedExperiments].sort() } : undefined;
      const noticed = executed ? await store.listRuns({ ...executed, states: ['FAILED'] }) : failures;
      await notifier.finished({
        experiments: [...(options.experiments ?? executed?.experiments ?? [])],
        counts: executed ? await countStates(store, executed) : result.counts,
        durationMs: clock.now() - startedAt,
        failures: noticed.map((run) => noticeOf(run, { error: run.error ?? '', reason: run.failureReason ?? '' })),
        interrupted: result.interrupted,
        store: store.location,
      });
      return result;
    } finally {
      await Promise.all([executors.close(), notifier.close()]);
    }
  };
  return {
    result: finish(),
    interrupt(signal) {
      interrupts++;
      const kill = signal !== 'SIGINT' || interrupts > 1 || options.killOnInterrupt;
      if (kill) worker.preempt(options.preemptGraceMs ?? DEFAULT_PREEMPT_GRACE_MS);
      else worker.interrupt(false);
      return { kill, running: worker.runningCount };
    },
  };
}

/** How many runs of the filter are in each state. */
export async function countStates(store: Store, filter: RunFilter): Promise<StateCounts> {
  const totals = zeroStateCounts();
  for (const row of await store.countRuns(filter)) totals[row.state] += row.count;
  return totals;
}

function noticeOf(run: RunRecord, failure: { reason: string; error: string }): RunNotice {
  const { experiment, id: runId, hash, params, attempt } = run;
  return { experiment, runId, hash, params, attempt, reason: failure.reason, error: failure.error };
}

/** The valid specs of the experiments a session may claim runs of (an invalid one fails its runs as not runnable). */
async function storedSpecs(store: Store, names: readonly string[] | undefined): Promise<ExperimentSpec[]> {
  const specs: ExperimentSpec[] = [];
  // Those named, read by name: a store keeps every experiment it ever ran, and a session names one.
  const experiments = names
    ? (await Promise.all(names.map((name) => store.getExperiment(name)))).filter((found) => found !== undefined)
    : await store.listExperiments();
  for (const experiment of experiments) {
    try {
      specs.push(specFromRaw(experiment.spec).spec);
    } catch {
      // its runs fail with LB_EXPERIMENT_NOT_RUNNABLE, which says why
    }
  }
  return specs;
}
