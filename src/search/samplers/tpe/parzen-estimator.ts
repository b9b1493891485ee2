import { logGaussMass, logNormalPdf, truncatedNormalQuantile } from '../../math/normal.js';
import type { Rng } from '../../rng.js';
import { type Dimension, fromInternalDraw } from './dimension.js';

export interface ParzenOptions {
  /** Weight of the prior kernel (centred on the domain, as wide as it) against an observation's 1. */
  readonly priorWeight: number;
  /** Let the domain's ends widen the first and last kernels (Hyperopt's first heuristic). */
  readonly considerEndpoints: boolean;
  /** Floor the kernels' widths at range / min(100, kernels + 1) (Hyperopt's "magic clip"). */
  readonly considerMagicClip: boolean;
}

/** Kernels of one numeric dimension: centres and widths on the internal scale. */
interface NumericKernels {
  readonly kind: 'numeric';
  readonly dimension: Dimension & { kind: 'numeric' };
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  readonly logSigmas: Float64Array;
  /** Log of each kernel's mass inside the domain: what turns a Gaussian into a truncated one. */
  readonly logDomainMasses: Float64Array;
}

/** Kernels of one categorical dimension: log-probabilities of each choice, per kernel. */
interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly logProbabilities: Float64Array[];
  readonly cumulativeProbabilities: Float64Array[];
}

/**
 * Each kernel's log-mass inside its domain, kept from one ask to the next: it is a function of
 * the kernel's centre and width and the domain's ends alone, and as the history grows by a trial
 * nearly every kernel keeps both (a new point narrows its two neighbours only). Computing them
 * all anew was a third of building the estimators at 1,000 trials.
 */
export class DomainMassCache {
  /** By domain (its ends), then by centre: the last width seen there and its log-mass. */
  private readonly domains = new Map<string, Map<number, { sigma: number; mass: number }>>();

  /** The log-masses of kernels (centres `mus`, widths `sigmas`) inside [low, high]. */
  logMasses(low: number, high: number, mus: Float64Array, sigmas: Float64Array): Float64Array {
    const key = `${low} ${high}`;
    let byMu = this.domains.get(key);
    if (!byMu) {
      byMu = new Map();
      this.domains.set(key, byMu);
    }
    const masses = new Float64Array(mus.length);
    for (let k = 0; k < mus.length; k++) {
      const mu = mus[k] as number;
      const sigma = sigmas[k] as number;
      const known = byMu.get(mu);
      if (known?.sigma === sigma) masses[k] = known.mass;
      else {
        const mass = logGaussMass((low - mu) / sigma, (high - mu) / sigma);
        byMu.set(mu, { sigma, mass });
        masses[k] = mass;
      }
    }
    return masses;
  }
}

/** Trials older than the newest this many weigh less and less (Hyperopt's linear forgetting). */
const FULL_WEIGHT_TRIALS = 25;

/**
 * A mixture of product kernels, one per observation plus the prior, each a truncated Gaussian
 * (numbers) or a smoothed one-hot distribution (choices) per dimension: the l(x) or g(x) of
 * TPE. Sampling one kernel for all dimensions at once is what makes TPE multivariate: drawn
 * points keep the correlations of the observed ones.
 */
export class ParzenEstimator {
  private readonly logWeights: Float64Array;
  private readonly cumulativeWeights: Float64Array;
  private readonly kernels: Array<NumericKernels | CategoricalKernels>;

  /** `observations`: one row per trial, in trial order, of values on the dimensions' internal scales. */
  constructor(
    dimensions: readonly Dimension[],
    observations: readonly (readonly number[])[],
    options: ParzenOptions,
    masses: DomainMassCache = new DomainMassCache(),
  ) {
    const weights = observations.length ? [...forgettingWeights(observations.length), options.priorWeight] : [1];
    const total = weights.reduce((a, b) => a + b, 0);
    this.logWeights = Float64Array.from(weights, (w) => Math.log(w / total));
    this.cumulativeWeights = cumulativeSums(Float64Array.from(weights, (w) => w / total));
    this.kernels = dimensions.map((dimension, d) => {
      const column = observations.map((row) => row[d] as number);
      return dimension.kind === 'numeric'
        ? numericKernels(dimension, column, options, masses)
        : categoricalKernels(dimension.choices.length, column, options);
    });
  }

  /** `count` points drawn from the mixture: numbers on their parameter's scale and grid, choices as indices. */
  sample(rng: Rng, count: number): number[][] {
    return Array.from({ length: count }, () => {
      const k = pickIndex(this.cumulativeWeights, rng.nextFloat());
      return this.kernels.map((kernels) => {
        if (kernels.kind === 'categorical') return pickIndex(kernels.cumulativeProbabilities[k] as Float64Array, rng.nextFloat());
        const { dimension, mus, sigmas } = kernels;
        const mu = mus[k] as number;
        const sigma = sigmas[k] as number;
        const z = truncatedNormalQuantile(rng.nextFloat(), (dimension.internalLow - mu) / sigma, (dimension.internalHigh - mu) / sigma);
        return fromInternalDraw(dimension, mu + sigma * z);
      });
    });
  }

  /** Log-density of each point (as `sample` returns them) under the mixture. */
  logPdf(points: readonly (readonly number[])[]): number[] {
    const perKernel = new Float64Array(this.logWeights.length);
    return points.map((point) => {
      perKernel.set(this.logWeights);
      this.kernels.forEach((kernels, d) => {
        addLogDensities(kernels, point[d] as number, perKernel);
      });
      return logSumExp(perKernel);
    });
  }
}

function addLogDensities(kernels: NumericKernels | CategoricalKernels, x: number, into: Float64Array): void {
  if (kernels.kind === 'categorical') {
    kernels.logProbabilities.forEach((row, k) => {
      into[k] = (into[k] as number) + (row[x] as number);
    });
    return;
  }
  const { dimension, mus, sigmas, logSigmas, logDomainMasses } = kernels;
  const scale = dimension.log ? Math.log : (v: number) => v;
  const half = dimension.step / 2;
  const left = scale(x - half);
  const right = scale(x + half);
  for (let k = 0; k < mus.length; k++) {
    const mu = mus[k] as number;
    const sigma = sigmas[k] as number;
    // A stepped value has the mass of its cell; a continuous one the density at the point.
    const logDensity = half
      ? logGaussMass((left - mu) / sigma, (right - mu) / sigma)
      : logNormalPdf((left - mu) / sigma) - (logSigmas[k] as number);
    into[k] = (into[k] as number) + logDensity - (logDomainMasses[k] as number);
  }
}

/**
 * Kernel widths as Optuna 4+ and Hyperopt set them: each observation's kernel is as wide as
 * the larger gap to its sorted neighbours (the domain's ends bounding the outermost), clipped
 * to [range / min(100, n + 2), range]; the prior sits mid-domain with the whole range as width.
 */
function numericKernels(
  dimension: Dimension & { kind: 'numeric' },
  observed: readonly number[],
  options: ParzenOptions,
  masses: DomainMassCache,
): NumericKernels {
  const low = dimension.internalLow;
  const high = dimension.internalHigh;
  const n = observed.length;
  // The domain's ends around the observations in ascending order (a typed array's numeric sort:
  // sorting indices by a comparator was a sixth of building the estimators at 1,000 trials).
  const sorted = new Float64Array(n + 2);
  sorted.set(observed, 1);
  sorted.subarray(1, n + 1).sort();
  sorted[0] = low;
  sorted[n + 1] = high;
  const sigmas = new Float64Array(n + 1);
  const range = high - low;
  const minSigma = options.considerMagicClip ? range / Math.min(100, n + 2) : 1e-12;
  const ranks = ranksOf(observed, sorted.subarray(1, n + 1));
  for (let original = 0; original < n; original++) {
    const rank = ranks[original] as number;
    const at = rank + 1;
    let gap = Math.max((sorted[at] as number) - (sorted[at - 1] as number), (sorted[at + 1] as number) - (sorted[at] as number));
    if (!options.considerEndpoints && n >= 2) {
      if (rank === 0) gap = (sorted[2] as number) - (sorted[1] as number);
      if (rank === n - 1) gap = (sorted[n] as number) - (sorted[n - 1] as number);
    }
    sigmas[original] = Math.min(range, Math.max(minSigma, gap));
  }
  const mus = Float64Array.from([...observed, 0.5 * (low + high)]);
  sigmas[n] = range;
  const logDomainMasses = masses.logMasses(low, high, mus, sigmas);
  return { kind: 'numeric', dimension, mus, sigmas, logSigmas: sigmas.map(Math.log), logDomainMasses };
}

/**
 * Each value's rank in `ascending` (its values sorted): equal values take their ranks in the
 * order they come, as a stable sort would give them.
 */
function ranksOf(values: readonly number[], ascending: Float64Array): Uint32Array {
  const ranks = new Uint32Array(values.length);
  const taken = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    let lo = 0;
    let hi = ascending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ascending[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    if (ascending[lo + 1] === value) {
      const before = taken.get(value) ?? 0;
      taken.set(value, before + 1);
      lo += before;
    }
    ranks[i] = lo;
  }
  return ranks;
}

/** Each observation's kernel puts 1 on its choice and priorWeight / (n + 1) on every choice; the prior only the latter. */
function categoricalKernels(choices: number, observed: readonly number[], options: ParzenOptions): CategoricalKernels {
  const smoothing = observed.length ? options.priorWeight / (observed.length + 1) : 1;
  const rows = [...observed, -1].map((index) => {
    const row = new Float64Array(choices).fill(smoothing);
    if (index >= 0) row[index] = (row[index] as number) + 1;
    const total = row.reduce((a, b) => a + b, 0);
    // A prior of weight 0 has an empty row; its kernel has weight 0 in the mixture too.
    return row.map((p) => (total > 0 ? p / total : 0));
  });
  return { kind: 'categorical', cumulativeProbabilities: rows.map(cumulativeSums), logProbabilities: rows.map((row) => row.map(Math.log)) };
}

function cumulativeSums(values: Float64Array): Float64Array {
  let sum = 0;
  return values.map((v) => (sum += v));
}

/** The index i with cumulative[i - 1] <= u < cumulative[i] (the last one if rounding leaves u above them all). */
function pickIndex(cumulative: Float64Array, u: number): number {
  for (let i = 0; i < cumulative.length - 1; i++) if (u < (cumulative[i] as number)) return i;
  return cumulative.length - 1;
}

/** 1 for each of the newest 25 trials; older ones ramp from 1/n up to 1 (Optuna's default_weights). */
function forgettingWeights(n: number): number[] {
  if (n < FULL_WEIGHT_TRIALS) return Array(n).fill(1);
  const ramp = n - FULL_WEIGHT_TRIALS;
  const rising = Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (ramp - 1)));
  return [...rising, ...Array(FULL_WEIGHT_TRIALS).fill(1)];
}

function logSumExp(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
