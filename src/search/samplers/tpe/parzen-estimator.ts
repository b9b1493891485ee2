import { logGaussMass, logNormalPdf, truncatedNormalQuantile } from '../../math/normal.js';
import type { Rng } from '../../rng.js';
import { type Dimension, fromInternalDraw } from './dimension.js';
import { KernelMemory } from './kernel-memory.js';

export interface ParzenOptions {
  /** Weight of the prior kernel (centred on the domain, as wide as it) against an observation's 1. */
  readonly priorWeight: number;
  /** Let the domain's ends widen the first and last kernels (Hyperopt's first heuristic). */
  readonly considerEndpoints: boolean;
  /** Floor the kernels' widths at range / min(100, kernels + 1) (Hyperopt's "magic clip"). */
  readonly considerMagicClip: boolean;
}

/** The values of the trials (`numbers`, ascending) in which a group's parameters were all active. */
export interface Observations {
  readonly numbers: Int32Array;
  /** Per dimension, the values on its internal scale, in trial order. */
  readonly columns: readonly Float64Array[];
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

/**
 * Kernels of one categorical dimension. A kernel's distribution depends only on the choice it
 * was observed at, so the kernels share one row per choice (and one for the prior): rows
 * built per kernel were most of an ask on a categorical space at 1,000 trials.
 */
interface CategoricalKernels {
  readonly kind: 'categorical';
  /** Each kernel's row: its observed choice + 1, 0 for the prior. */
  readonly rowOf: Int32Array;
  readonly logProbabilities: Float64Array[];
  readonly cumulativeProbabilities: Float64Array[];
}

/** Trials older than the newest this many weigh less and less (Hyperopt's linear forgetting). */
const FULL_WEIGHT_TRIALS = 25;

/** Below this, e^x is exactly 0 in IEEE doubles (fdlibm's underflow threshold is -745.13). */
const EXP_UNDERFLOW = -746;

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

  /** `memories`: per dimension, what the last build of this estimator left (see KernelMemory). */
  constructor(
    dimensions: readonly Dimension[],
    { numbers, columns }: Observations,
    options: ParzenOptions,
    memories: readonly KernelMemory[] = dimensions.map(() => new KernelMemory()),
  ) {
    const weights = mixtureWeights(numbers.length, options.priorWeight);
    let total = 0;
    for (const weight of weights) total += weight;
    this.logWeights = weights.map((w) => Math.log(w / total));
    this.cumulativeWeights = cumulativeSums(weights.map((w) => w / total));
    this.kernels = dimensions.map((dimension, d) => {
      const column = columns[d] as Float64Array;
      return dimension.kind === 'numeric'
        ? numericKernels(dimension, column, numbers, options, memories[d] as KernelMemory)
        : categoricalKernels(dimension.choices.length, column, options);
    });
  }

  /** `count` points drawn from the mixture: numbers on their parameter's scale and grid, choices as indices. */
  sample(rng: Rng, count: number): number[][] {
    return Array.from({ length: count }, () => {
      const k = pickIndex(this.cumulativeWeights, rng.nextFloat());
      return this.kernels.map((kernels) => {
        if (kernels.kind === 'categorical') {
          return pickIndex(kernels.cumulativeProbabilities[kernels.rowOf[k] as number] as Float64Array, rng.nextFloat());
        }
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
      for (let d = 0; d < this.kernels.length; d++) {
        const kernels = this.kernels[d] as NumericKernels | CategoricalKernels;
        const x = point[d] as number;
        if (kernels.kind === 'categorical') addCategoricalLogDensities(kernels, x, perKernel);
        else if (kernels.dimension.step) addSteppedLogDensities(kernels, x, perKernel);
        else addContinuousLogDensities(kernels, x, perKernel);
      }
      return logSumExp(perKernel);
    });
  }
}

function addCategoricalLogDensities({ rowOf, logProbabilities }: CategoricalKernels, x: number, into: Float64Array): void {
  const byRow = Float64Array.from(logProbabilities, (row) => row[x] as number);
  for (let k = 0; k < into.length; k++) into[k] = (into[k] as number) + (byRow[rowOf[k] as number] as number);
}

/** A continuous value has the density at the point. */
function addContinuousLogDensities(kernels: NumericKernels, x: number, into: Float64Array): void {
  const { dimension, mus, sigmas, logSigmas, logDomainMasses } = kernels;
  const at = dimension.log ? Math.log(x) : x;
  for (let k = 0; k < into.length; k++) {
    const logDensity = logNormalPdf((at - (mus[k] as number)) / (sigmas[k] as number)) - (logSigmas[k] as number);
    into[k] = (into[k] as number) + logDensity - (logDomainMasses[k] as number);
  }
}

/** A stepped value has the mass of its cell. */
function addSteppedLogDensities(kernels: NumericKernels, x: number, into: Float64Array): void {
  const { dimension, mus, sigmas, logDomainMasses } = kernels;
  const half = dimension.step / 2;
  const left = dimension.log ? Math.log(x - half) : x - half;
  const right = dimension.log ? Math.log(x + half) : x + half;
  for (let k = 0; k < into.length; k++) {
    const mu = mus[k] as number;
    const sigma = sigmas[k] as number;
    const logMass = logGaussMass((left - mu) / sigma, (right - mu) / sigma);
    into[k] = (into[k] as number) + logMass - (logDomainMasses[k] as number);
  }
}

/**
 * Kernel widths as Optuna 4+ and Hyperopt set them: each observation's kernel is as wide as
 * the larger gap to its sorted neighbours (the domain's ends bounding the outermost), clipped
 * to [range / min(100, n + 2), range]; the prior sits mid-domain with the whole range as width.
 */
function numericKernels(
  dimension: Dimension & { kind: 'numeric' },
  observed: Float64Array,
  numbers: Int32Array,
  options: ParzenOptions,
  memory: KernelMemory,
): NumericKernels {
  const low = dimension.internalLow;
  const high = dimension.internalHigh;
  const n = observed.length;
  const order = memory.ascending(observed, numbers);
  // The domain's ends around the observations in ascending order.
  const sorted = new Float64Array(n + 2);
  sorted[0] = low;
  for (let rank = 0; rank < n; rank++) sorted[rank + 1] = observed[order[rank] as number] as number;
  sorted[n + 1] = high;
  const sigmas = new Float64Array(n + 1);
  const range = high - low;
  const minSigma = options.considerMagicClip ? range / Math.min(100, n + 2) : 1e-12;
  for (let rank = 0; rank < n; rank++) {
    const at = rank + 1;
    let gap = Math.max((sorted[at] as number) - (sorted[at - 1] as number), (sorted[at + 1] as number) - (sorted[at] as number));
    if (!options.considerEndpoints && n >= 2) {
      if (rank === 0) gap = (sorted[2] as number) - (sorted[1] as number);
      if (rank === n - 1) gap = (sorted[n] as number) - (sorted[n - 1] as number);
    }
    sigmas[order[rank] as number] = Math.min(range, Math.max(minSigma, gap));
  }
  const mus = new Float64Array(n + 1);
  mus.set(observed);
  mus[n] = 0.5 * (low + high);
  sigmas[n] = range;
  return { kind: 'numeric', dimension, mus, sigmas, ...memory.kernelLogs(low, high, numbers, mus, sigmas) };
}

/** Each observation's kernel puts 1 on its choice and priorWeight / (n + 1) on every choice; the prior only the latter. */
function categoricalKernels(choices: number, observed: Float64Array, options: ParzenOptions): CategoricalKernels {
  const smoothing = observed.length ? options.priorWeight / (observed.length + 1) : 1;
  // Row 0 is the prior's, row c + 1 that of the kernels observed at choice c.
  const rows = Array.from({ length: choices + 1 }, (_, r) => {
    const row = new Float64Array(choices).fill(smoothing);
    if (r > 0) row[r - 1] = (row[r - 1] as number) + 1;
    const total = row.reduce((a, b) => a + b, 0);
    // A prior of weight 0 has an empty row; its kernel has weight 0 in the mixture too.
    return row.map((p) => (total > 0 ? p / total : 0));
  });
  const rowOf = new Int32Array(observed.length + 1);
  for (let k = 0; k < observed.length; k++) rowOf[k] = (observed[k] as number) + 1;
  return {
    kind: 'categorical',
    rowOf,
    cumulativeProbabilities: rows.map(cumulativeSums),
    logProbabilities: rows.map((row) => row.map(Math.log)),
  };
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

/**
 * The observations' weights then the prior's: 1 for each of the newest 25 trials, older ones
 * ramping from 1/n up to 1 (Optuna's default_weights). The prior alone weighs 1.
 */
function mixtureWeights(n: number, priorWeight: number): Float64Array {
  if (n === 0) return Float64Array.of(1);
  const weights = new Float64Array(n + 1).fill(1);
  const ramp = n - FULL_WEIGHT_TRIALS;
  for (let i = 0; i < ramp; i++) weights[i] = ramp === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (ramp - 1);
  weights[n] = priorWeight;
  return weights;
}

/** log Σ e^v, the terms that underflow to 0 left out (their exp would add exactly 0). */
function logSumExp(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < values.length; k++) if ((values[k] as number) > max) max = values[k] as number;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let k = 0; k < values.length; k++) {
    const exponent = (values[k] as number) - max;
    if (!(exponent < EXP_UNDERFLOW)) sum += Math.exp(exponent);
  }
  return max + Math.log(sum);
}
