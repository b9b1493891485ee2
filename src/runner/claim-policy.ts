/**
 * How many runs a worker claims and how many a slot takes: pure functions of how long its runs
 * typically take (TypicalRunTime).
 *
 * Runs shorter than SHORT_RUN_MS on average are claimed ahead: enough for about CLAIM_AHEAD_MS
 * of work per slot (at least 4, at most MAX_CLAIM_AHEAD in all), one transaction per batch
 * instead of per run. Runs claimed ahead keep their leases and go back when the worker stops;
 * a worker that dies holds them until their leases expire (no loss is counted for those it had
 * not begun), hence the cap.
 */
const SHORT_RUN_MS = 1_000;
const CLAIM_AHEAD_MS = 50;
const MIN_CLAIM_AHEAD_PER_SLOT = 4;
const MAX_CLAIM_AHEAD = 32;

/**
 * A slot that queues runs (WorkerOptions.runsPerSlot) gets enough for about this long: enough to
 * hide the worker's answer to each run's end, and little held back behind a run that turns out
 * long (runs waiting in a slot begin only when the run before them ends).
 */
const SLOT_AHEAD_MS = 10;

/** How many runs to claim beyond the free slots. */
export function runsToClaimAhead(meanRunMs: number, slots: number): number {
  if (!(meanRunMs < SHORT_RUN_MS)) return 0;
  const perSlot = Math.max(MIN_CLAIM_AHEAD_PER_SLOT, Math.ceil(CLAIM_AHEAD_MS / Math.max(meanRunMs, 0.01)));
  return Math.min(MAX_CLAIM_AHEAD, slots * perSlot);
}

/** How many runs one slot takes at once, at most `most` (what its executor allows). */
export function runsPerSlot(meanRunMs: number, most: number): number {
  return Math.min(most, Math.max(1, Math.ceil(SLOT_AHEAD_MS / meanRunMs)));
}

/** Runs whose durations make the typical one. */
const RECENT_RUNS = 9;

/**
 * How long a worker's runs typically take: the median of the last RECENT_RUNS, Infinity before
 * one ended. Not a mean: a slot's first run (which includes starting the slot) and a pause of
 * the worker (a commit, a garbage collection) made a moving mean of 1,000 runs of 0.1 ms hold
 * several milliseconds for ~40 runs, which were claimed a few at a time (~20 ms of a cold
 * session's 130 ms).
 */
export class TypicalRunTime {
  /** The last runs' durations, as a ring; sorted into `sorted` (no allocation per run: this is on every run's path). */
  private readonly recent = new Float64Array(RECENT_RUNS);
  private readonly sorted = new Float64Array(RECENT_RUNS);
  private count = 0;
  private median = Number.POSITIVE_INFINITY;

  get ms(): number {
    return this.median;
  }

  add(ms: number): void {
    this.recent[this.count++ % RECENT_RUNS] = ms;
    let sorted = this.sorted;
    if (this.count < RECENT_RUNS)
      sorted = this.recent.slice(0, this.count); // the ring is not full yet
    else sorted.set(this.recent);
    sorted.sort();
    this.median = sorted[(sorted.length - 1) >> 1] as number;
  }
}
