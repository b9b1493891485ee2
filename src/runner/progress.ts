import type { StateCounts } from './session.js';

export interface ProgressOptions {
  /** A terminal gets one live line; anything else (CI, Slurm logs) periodic plain lines. */
  tty: boolean;
  write: (text: string) => void;
  /** Current counts of the runs being worked on (read from the store). */
  counts: () => Promise<StateCounts>;
  now: () => number;
  intervalMs?: number;
}

/**
 * Shows how a sweep is going: done / running / failed / pending, runs per second and the time
 * left. On a terminal the line is redrawn in place; elsewhere a line is printed every interval.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;
  private finishedHere = 0;
  private lineShown = false;
  private drawing: Promise<void> = Promise.resolve();
  private note = '';

  constructor(private readonly options: ProgressOptions) {
    this.startedAt = options.now();
  }

  start(): void {
    const interval = this.options.intervalMs ?? (this.options.tty ? 250 : 30_000);
    this.timer = setInterval(() => this.draw(), interval);
    this.timer.unref();
    if (this.options.tty) this.draw();
  }

  /** A run this process finished (for the rate). */
  runFinished(): void {
    this.finishedHere++;
  }

  /** A short status shown after the counts (e.g. "stopping: waiting for 2 runs"), at once in both modes. */
  setNote(note: string): void {
    this.note = note;
    this.draw();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.drawing;
    this.clear();
  }

  private draw(): void {
    this.drawing = this.drawing
      .then(async () => {
        const line = describe(await this.options.counts(), this.finishedHere, this.options.now() - this.startedAt, this.note);
        if (this.options.tty) {
          this.options.write(`\r\x1b[2K${line}`);
          this.lineShown = true;
        } else {
          this.options.write(`${new Date(this.options.now()).toISOString()} ${line}\n`);
        }
      })
      // A store that cannot be read (full, damaged) stops the worker, which says so: the line just skips a beat.
      .catch(() => {});
  }

  /** Takes the live line off the screen, so that a message can be printed in its place (the next tick redraws it). */
  clear(): void {
    if (this.lineShown) this.options.write('\r\x1b[2K');
    this.lineShown = false;
  }
}

/** "12/45 done · 2 running · 1 failed · 30 pending · 3.1 runs/s · ETA 10s". */
export function describe(counts: StateCounts, finishedHere: number, elapsedMs: number, note = ''): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = [`${counts.COMPLETED}/${total} done`, `${counts.RUNNING} running`];
  if (counts.FAILED) parts.push(`${counts.FAILED} failed`);
  parts.push(`${counts.PENDING} pending`);
  if (counts.CANCELLED) parts.push(`${counts.CANCELLED} cancelled`);
  const rate = elapsedMs > 0 ? finishedHere / (elapsedMs / 1000) : 0;
  if (finishedHere > 0) {
    parts.push(`${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} runs/s`);
    const left = counts.PENDING + counts.RUNNING;
    if (left > 0) parts.push(`ETA ${formatSeconds(left / rate)}`);
  }
  return parts.join(' · ') + (note ? ` — ${note}` : '');
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
