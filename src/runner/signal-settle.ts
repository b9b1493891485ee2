import type { RunEnd } from './executor.js';

/**
 * A scheduler signals every process of a job at once (Slurm's scancel, a preemption, a time
 * limit), the worker and its runs alike, and a run's end can reach the worker before the
 * worker's own SIGTERM does. A run that ended killed by such a signal therefore waits up to
 * SETTLE_MS for the worker's stop before its failure is written: if the stop comes, the run goes
 * back to the queue like the runs the worker stopped, instead of failing and spending an attempt.
 */
const SETTLE_MS = 250;

const TERMINATING_SIGNALS = new Set(['SIGHUP', 'SIGINT', 'SIGKILL', 'SIGTERM']);
/** What a shell exits with when its command was killed by one of those (128 + the signal's number). */
const SHELL_STATUSES_OF_SIGNALS = new Set([129, 130, 137, 143]);

/** Whether the run ended killed by a terminating signal, directly or as its shell reports it. */
function endedBySignal(end: RunEnd): boolean {
  if (end.ok) return false;
  if (end.signal !== undefined) return TERMINATING_SIGNALS.has(end.signal);
  return end.exitCode !== null && SHELL_STATUSES_OF_SIGNALS.has(end.exitCode);
}

export class SignalSettle {
  private stopped = false;
  private readonly waiting = new Set<() => void>();

  /**
   * True when the worker was told to stop its runs, by now or within SETTLE_MS of a run killed by
   * a signal; false at once, without a promise, for any other end (every run's path asks).
   */
  workerStoppedAround(end: RunEnd): boolean | Promise<boolean> {
    if (!endedBySignal(end)) return false;
    if (this.stopped) return true;
    return this.settled();
  }

  /** Whether the worker's stop comes within SETTLE_MS. */
  private async settled(): Promise<boolean> {
    await new Promise<void>((resolve) => {
      const settled = () => {
        clearTimeout(timer);
        this.waiting.delete(settled);
        resolve();
      };
      const timer = setTimeout(settled, SETTLE_MS);
      this.waiting.add(settled);
    });
    return this.stopped;
  }

  /** The worker is told to stop its runs (SIGTERM, a second Ctrl-C): the runs waiting hear it now. */
  stop(): void {
    this.stopped = true;
    for (const settled of [...this.waiting]) settled();
  }
}
