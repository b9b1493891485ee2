import { createNotifier, type RunNotice } from '../notify/index.js';
import type { Clock } from '../queue/clock.js';
import { Queue } from '../queue/queue.js';
import type { NotifyConfig } from '../spec/types.js';
import { RUN_STATES, type RunRecord, type Store } from '../store/types.js';
import { errorLine } from '../util/error-line.js';
import { listenToDriverInterrupts } from './driver-interrupts.js';
import { Executors } from './executors.js';
import { Progress, type StateCounts } from './progress.js';
import { Worker, type WorkerEvent, type WorkerReport } from './worker.js';

export interface SessionOptions {
  store: Store;
  clock: Clock;
  cwd: string;
  env: NodeJS.ProcessEnv;
  slots: number;
  /** Work on these experiments only (all when absent). */
  experiments?: readonly string[];
  /** Keep polling for new runs when there are none. */
  wait: boolean;
  /** Also wait for runs other workers hold (a resume after a crash waits for their leases to expire). */
  waitForOthers: boolean;
  maxRuns?: number;
  /** The most runs each slot takes at once (WorkerOptions.runsPerSlot). */
  runsPerSlot?: number;
  leaseMs?: number;
  killOnInterrupt: boolean;
  /** Where progress goes (stderr) and whether it is a terminal. */
  progress: { tty: boolean; write: (text: string) => void; intervalMs?: number };
  /** Where failures and the end of the session are announced (console, webhook, e-mail). */
  notify: readonly NotifyConfig[];
  onEvent?: (event: WorkerEvent) => void;
}

export interface SessionResult {
  report: WorkerReport;
  interrupted: boolean;
  counts: StateCounts;
  failures: RunRecord[];
  /** The ids of the runs this session started (whatever became of them). */
  started: number[];
}

const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * One `labbook run` or `labbook worker`: a worker with its executors, progress, and the
 * handling of Ctrl-C (once: stop claiming and let running runs finish, or stop them with
 * `killOnInterrupt`; twice, or SIGTERM: stop them; stopped runs go back to PENDING). Under a
 * Python driver, Ctrl-C comes from the driver (driver-interrupts.ts), and the driver's end
 * counts as a SIGTERM.
 */
export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const { store, clock } = options;
  // A worker claims after every run: reaping dead workers' leases once a second is plenty.
  const queue = new Queue(store, { clock, reapIntervalMs: 1_000, ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }) });
  const filter = options.experiments ? { experiments: options.experiments } : {};
  const counts = async (): Promise<StateCounts> => {
    const totals = Object.fromEntries(RUN_STATES.map((state) => [state, 0])) as StateCounts;
    for (const row of await store.countRuns(filter)) totals[row.state] += row.count;
    return totals;
  };
  const progress = new Progress({ ...options.progress, counts, now: () => clock.now() });
  const startedAt = clock.now();
  const started: number[] = [];
  const notifier = createNotifier(options.notify, {
    warn: (message) => progress.print(`labbook: warning: ${message}`),
    stream: {
      write: (text: string) => {
        progress.print(text);
        return true;
      },
    },
    env: options.env,
  });
  const executors = new Executors({
    cwd: options.cwd,
    env: options.env,
    storeDir: store.dataDir,
    slots: options.slots,
    now: () => clock.now(),
  });
  const worker = new Worker(queue, executors, {
    slots: options.slots,
    cwd: options.cwd,
    wait: options.wait,
    ...(options.experiments && { experiments: options.experiments }),
    ...(options.maxRuns !== undefined && { maxRuns: options.maxRuns }),
    ...(options.runsPerSlot !== undefined && { runsPerSlot: options.runsPerSlot }),
    ...(options.waitForOthers && {
      waitWhile: async () => {
        const now = await counts();
        return now.RUNNING > worker.runningCount || now.PENDING > 0;
      },
    }),
    onEvent: (event) => {
      if (event.type === 'started') started.push(event.run.id);
      if (event.type === 'finished') {
        progress.runFinished();
        if (!event.end.ok && event.state === 'FAILED') notifier.runFailed(noticeOf(event.run, event.end));
        else if (!event.end.ok && !event.stop)
          progress.print(`labbook: run ${event.run.id} failed, will be retried: ${errorLine(event.end.error)}`);
      }
      options.onEvent?.(event);
    },
    onWarning: (message) => progress.print(`labbook: warning: ${message}`),
  });

  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    const kill = signal !== 'SIGINT' || interrupts > 1 || options.killOnInterrupt;
    worker.interrupt(kill);
    progress.setNote(
      kill
        ? `stopping ${worker.runningCount} running runs; they go back to the queue`
        : `stopping: waiting for ${worker.runningCount} running runs to finish (Ctrl-C again to stop them)`,
    );
  };
  // A Python driver owns Ctrl-C and hands each one over (driver-interrupts.ts); the engine's own
  // SIGINT is then the same Ctrl-C again, or none of its business, but must still be caught
  // (Node's default would end the engine).
  const stopListeningToDriver = listenToDriverInterrupts(options.env, {
    interrupt: () => onSignal('SIGINT'),
    gone: () => onSignal('SIGTERM'),
  });
  const listeners = INTERRUPT_SIGNALS.map((signal) => [signal, stopListeningToDriver && signal === 'SIGINT' ? ignore : onSignal] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  progress.start();
  try {
    const report = await worker.run();
    const failures = await store.listRuns({ ...filter, states: ['FAILED'] });
    const result = { report, interrupted: interrupts > 0, counts: await counts(), failures, started };
    await progress.stop();
    await notifier.finished({
      experiments: [...(options.experiments ?? new Set(failures.map((run) => run.experiment)))],
      counts: result.counts,
      durationMs: clock.now() - startedAt,
      failures: failures.map((run) => noticeOf(run, { error: run.error ?? '', reason: run.failureReason ?? '' })),
      interrupted: result.interrupted,
      store: store.location,
    });
    return result;
  } finally {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    stopListeningToDriver?.();
    await progress.stop();
    await Promise.all([executors.close(), notifier.close()]);
  }
}

function ignore(): void {}

function noticeOf(run: RunRecord, failure: { reason: string; error: string }): RunNotice {
  const { experiment, id: runId, hash, params, attempt } = run;
  return { experiment, runId, hash, params, attempt, reason: failure.reason, error: failure.error };
}
