import { logGaussMass } from '../../math/normal.js';

/**
 * What building the kernels of one numeric dimension of one estimator (the good or the bad one)
 * leaves for its next build: the observations' order by value, and each trial's kernel width
 * with its log and its log-mass in the domain. Between two asks the history grows by a trial,
 * so nearly all of it still holds: sorting anew (with the ranks of equal values), and the
 * masses and logs anew, were most of building the estimators at 1,000 trials.
 *
 * Nothing here is trusted: the order is only where an insertion sort starts, and a kernel's
 * figures are reused only for the same centre, width and domain. A memory out of date, or
 * another study's, costs time, never a different proposal.
 */
export class KernelMemory {
  private low = Number.NaN;
  private high = Number.NaN;
  /** Trial numbers in ascending order of their values at the last build. */
  private order = new Int32Array(0);
  /** By trial number: the centre and width of its kernel last time, and their log-width and log-mass. */
  private mus = new Float64Array(0);
  private sigmas = new Float64Array(0);
  private logSigmas = new Float64Array(0);
  private logMasses = new Float64Array(0);

  /**
   * The indices of `values` (those of trials `numbers`, ascending) in ascending order of value,
   * equal values in the order they come, as a stable sort gives them.
   */
  ascending(values: Float64Array, numbers: Int32Array): Uint32Array {
    const n = values.length;
    const indexOf = new Int32Array(n ? (numbers[n - 1] as number) + 1 : 0).fill(-1);
    for (let i = 0; i < n; i++) indexOf[numbers[i] as number] = i;
    // The trials of the last build in their order, then the others: all but those are in place.
    const order = new Uint32Array(n);
    const placed = new Uint8Array(n);
    let filled = 0;
    for (const number of this.order) {
      const i = number < indexOf.length ? (indexOf[number] as number) : -1;
      if (i >= 0 && !placed[i]) {
        placed[i] = 1;
        order[filled++] = i;
      }
    }
    for (let i = 0; i < n; i++) if (!placed[i]) order[filled++] = i;
    insertionSort(order, values);
    this.order = new Int32Array(n);
    for (let rank = 0; rank < n; rank++) this.order[rank] = numbers[order[rank] as number] as number;
    return order;
  }

  /**
   * The log-width and the log-mass inside [low, high] of each kernel, centres `mus` and widths
   * `sigmas`: those of trials `numbers`, then the prior's.
   */
  kernelLogs(
    low: number,
    high: number,
    numbers: Int32Array,
    mus: Float64Array,
    sigmas: Float64Array,
  ): { logSigmas: Float64Array; logDomainMasses: Float64Array } {
    const n = numbers.length;
    if (low !== this.low || high !== this.high) this.forget(low, high);
    this.makeRoom(n ? (numbers[n - 1] as number) + 1 : 0);
    const logSigmas = new Float64Array(n + 1);
    const logDomainMasses = new Float64Array(n + 1);
    for (let k = 0; k <= n; k++) {
      const mu = mus[k] as number;
      const sigma = sigmas[k] as number;
      const number = k < n ? (numbers[k] as number) : -1;
      if (number >= 0 && this.mus[number] === mu && this.sigmas[number] === sigma) {
        logSigmas[k] = this.logSigmas[number] as number;
        logDomainMasses[k] = this.logMasses[number] as number;
        continue;
      }
      logSigmas[k] = Math.log(sigma);
      logDomainMasses[k] = logGaussMass((low - mu) / sigma, (high - mu) / sigma);
      if (number < 0) continue;
      this.mus[number] = mu;
      this.sigmas[number] = sigma;
      this.logSigmas[number] = logSigmas[k] as number;
      this.logMasses[number] = logDomainMasses[k] as number;
    }
    return { logSigmas, logDomainMasses };
  }

  private forget(low: number, high: number): void {
    this.low = low;
    this.high = high;
    this.mus = new Float64Array(0);
    this.sigmas = new Float64Array(0);
    this.logSigmas = new Float64Array(0);
    this.logMasses = new Float64Array(0);
  }

  /** Room for trial numbers below `size`, the new ones unknown (NaN equals no centre). */
  private makeRoom(size: number): void {
    if (size <= this.mus.length) return;
    const grown = (old: Float64Array) => {
      const array = new Float64Array(Math.max(size, 2 * old.length)).fill(Number.NaN);
      array.set(old);
      return array;
    };
    this.mus = grown(this.mus);
    this.sigmas = grown(this.sigmas);
    this.logSigmas = grown(this.logSigmas);
    this.logMasses = grown(this.logMasses);
  }
}

/** Sorts the indices `order` by (value, index): linear when all but a few are in place already. */
function insertionSort(order: Uint32Array, values: Float64Array): void {
  for (let j = 1; j < order.length; j++) {
    const i = order[j] as number;
    const value = values[i] as number;
    let m = j - 1;
    for (; m >= 0; m--) {
      const other = order[m] as number;
      const otherValue = values[other] as number;
      if (!(value < otherValue || (value === otherValue && i < other))) break;
      order[m + 1] = other;
    }
    order[m + 1] = i;
  }
}
