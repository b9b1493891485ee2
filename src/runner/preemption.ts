/**
 * A worker's preemption (docs/protocol.md#preemption). Once the worker is told to go (SIGTERM:
 * a scheduler's cancel, time limit or preemption), a run that asks `preempted` hears `true` and
 * has the grace period to checkpoint and exit by itself; a run that never asked is stopped at
 * once, as before the request existed (SIGTERM: its own handler may checkpoint). Either way the
 * run goes back to the queue without spending an attempt.
 */
export class Preemption {
  private graceTimer: NodeJS.Timeout | undefined;
  private preempted = false;
  /** Runs that asked `preempted` at least once: they get the grace period. */
  private readonly listening = new Set<number>();
  /** Runs that heard `true`: their end, whatever their exit status, gives them back. */
  private readonly told = new Set<number>();

  /** The answer to run `runId`'s `preempted` request. */
  ask(runId: number): boolean {
    this.listening.add(runId);
    if (this.preempted) this.told.add(runId);
    return this.preempted;
  }

  /**
   * Preempts the worker: `stopAll` is called when the grace period is over. False when it was
   * preempted already (a second request: the caller stops its runs now).
   */
  begin(graceMs: number, stopAll: () => void): boolean {
    if (this.preempted) return false;
    this.preempted = true;
    this.graceTimer = setTimeout(stopAll, graceMs);
    return true;
  }

  /** Whether run `runId` has the grace period (it asks), or is to be stopped at once. */
  listens(runId: number): boolean {
    return this.listening.has(runId);
  }

  /** Whether run `runId` knows it is preempted: it goes back to the queue however it ends. */
  knows(runId: number): boolean {
    return this.told.has(runId);
  }

  /** The run ended and its outcome is stored. */
  forget(runId: number): void {
    this.listening.delete(runId);
    this.told.delete(runId);
  }

  /** The worker stopped: no grace period left to wait for. */
  end(): void {
    clearTimeout(this.graceTimer);
  }
}
