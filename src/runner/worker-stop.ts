import type { RunRecord } from '../domain/index.js';
import { type EnvironmentError, StoreFullError } from '../errors.js';
import type { Queue } from '../queue/queue.js';
import type { RunTracking } from './run-tracking.js';
import { freeSpaceReserve } from './space-reserve.js';
import { stoppingErrorOf } from './stopping-error.js';

/**
 * How a worker stops when it cannot go on (a full, read-only or damaged store, its process
 * launcher gone): the error that stopped it, and the runs whose outcome or release the store
 * refused meanwhile, which go back to the queue at the end in one last transaction.
 */
export class WorkerStop {
  /** The error that stops the worker, once one did. */
  error: EnvironmentError | undefined;
  private readonly refused: Array<{ run: RunRecord; notStarted: boolean }> = [];

  constructor(
    private readonly queue: Queue,
    private readonly tracking: Pick<RunTracking, 'location' | 'dataDir'>,
    private readonly workerId: string,
    /** Called once, with the first error that stops the worker. */
    private readonly onStop: (error: EnvironmentError) => void,
  ) {}

  /** True when `error` stops the worker (see stoppingErrorOf); the first one calls onStop. */
  on(error: unknown): boolean {
    const stopping = stoppingErrorOf(error, this.tracking.location);
    if (!stopping) return false;
    if (!this.error) {
      this.error = stopping;
      this.onStop(stopping);
    }
    return true;
  }

  /** Why a run the worker stops goes back to the queue. */
  get releaseReason(): string {
    return this.error ? `worker stopped (${this.error.code})` : 'interrupted';
  }

  /** The store refused the run's outcome or release: it goes back at the end (giveBackRefused). */
  refuse(run: RunRecord, notStarted: boolean): void {
    this.refused.push({ run, notStarted });
  }

  /**
   * Once every run has ended, the refused ones go back in one transaction: a few pages, which
   * may pass where their outcomes did not; on a full disk, after the space reserve is freed for
   * it. Those it cannot give back go back when their leases expire, counting a loss. Returns a
   * warning when it could not.
   */
  async giveBackRefused(): Promise<string | undefined> {
    if (this.refused.length === 0) return undefined;
    if (this.error instanceof StoreFullError) freeSpaceReserve(this.tracking.dataDir);
    const reason = this.releaseReason;
    const requests = this.refused.splice(0).map(({ run, notStarted }) => ({
      lease: { runId: run.id, workerId: this.workerId, attempt: run.attempt },
      outcome: { kind: 'released' as const, reason, ...(notStarted && { notStarted }) },
    }));
    try {
      await this.queue.finishAll(requests);
      return undefined;
    } catch {
      return (
        `${requests.length} runs could not be given back (the store refused that too): ` +
        `they go back to the queue when their leases expire, ${this.queue.leaseMs / 1000}s from now`
      );
    }
  }
}
