import type { RunState } from '../domain/index.js';
import type { Queue } from '../queue/queue.js';
import type { FinishRequest } from '../store/types.js';

/** How long an outcome may wait for others to share its transaction. */
const WINDOW_MS = 5;

interface Waiting {
  request: FinishRequest;
  resolve: (state: RunState | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes the outcomes of a worker's runs in batches: the outcomes of runs that end within
 * WINDOW_MS of each other share one transaction, since a commit costs more than a short run.
 * A run's slot is free while its outcome waits; its lease is held (and renewed) until the
 * outcome is stored, so a worker that dies in between only leaves the run to be reaped and run
 * again, never recorded twice.
 */
export class OutcomeWriter {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly queue: Queue) {}

  /**
   * Resolves once the outcome is stored: the run's new state, or undefined when its lease is
   * gone. With `now` (the caller knows no other outcome can come within the window: no other
   * run executes, none is left to claim) the batch is written at once.
   */
  write(request: FinishRequest, now = false): Promise<RunState | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (now) {
        clearTimeout(this.timer);
        void this.flush();
      } else this.timer ??= setTimeout(() => void this.flush(), WINDOW_MS);
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    try {
      const states = await this.queue.finishAll(batch.map((waiting) => waiting.request));
      for (const [i, waiting] of batch.entries()) waiting.resolve(states[i]);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
