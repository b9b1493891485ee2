import type { MetricPoint } from '../domain/index.js';
import type { Store } from '../store/types.js';

export interface MetricBatcherOptions {
  /** Points buffered (over all runs) before a flush. */
  maxPoints?: number;
  /** How long a point may wait before it is written. */
  maxDelayMs?: number;
  onError: (error: unknown) => void;
}

interface RunBuffer {
  attempt: number;
  points: MetricPoint[];
}

/**
 * Buffers metric points of the runs of one worker and writes them in batches: one
 * transaction per run and flush, so a run logging every step costs a row, not a commit.
 * Flushes are serialised; `flushRun` resolves once that run's points are stored.
 */
export class MetricBatcher {
  private readonly buffers = new Map<number, RunBuffer>();
  private buffered = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Writes enqueued and not finished. */
  private writes = 0;
  private readonly maxPoints: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly store: Store,
    private readonly options: MetricBatcherOptions,
  ) {
    this.maxPoints = options.maxPoints ?? 20_000;
    this.maxDelayMs = options.maxDelayMs ?? 500;
  }

  add(runId: number, attempt: number, points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    let buffer = this.buffers.get(runId);
    if (buffer && buffer.attempt !== attempt) {
      void this.flushRun(runId);
      buffer = undefined;
    }
    if (!buffer) {
      buffer = { attempt, points: [] };
      this.buffers.set(runId, buffer);
    }
    for (const point of points) buffer.points.push(point);
    this.buffered += points.length;
    if (this.buffered >= this.maxPoints) void this.flushAll();
    else this.timer ??= setTimeout(() => void this.flushAll(), this.maxDelayMs).unref();
  }

  flushRun(runId: number): Promise<void> {
    const buffer = this.buffers.get(runId);
    if (buffer) {
      this.buffers.delete(runId);
      this.buffered -= buffer.points.length;
      this.enqueueWrite(runId, buffer);
    }
    return this.writing;
  }

  /** Whether every point of the run sent so far is stored: none buffered, no write under way. */
  isStored(runId: number): boolean {
    return this.writes === 0 && !this.buffers.has(runId);
  }

  flushAll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [runId, buffer] of this.buffers) this.enqueueWrite(runId, buffer);
    this.buffers.clear();
    this.buffered = 0;
    return this.writing;
  }

  private enqueueWrite(runId: number, buffer: RunBuffer): void {
    this.writes++;
    this.writing = this.writing.then(() =>
      this.store
        .appendMetrics(runId, buffer.attempt, buffer.points)
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => {
          this.writes--;
        }),
    );
  }
}
