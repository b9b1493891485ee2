import { UsageError } from '../../../errors.js';
import { canonicalJson } from '../../../spec/canonical-json.js';
import type { JsonObject } from '../../../spec/types.js';
import { singleDirection } from '../../objective.js';
import { requireWholeNumber } from '../../options.js';
import type { Rng } from '../../rng.js';
import { contains, isActive } from '../../space.js';
import type { ParamValue, Sampler, SearchParameter, SearchSpace, StudyHistory, Trial, TrialParams } from '../../types.js';
import { drawParams } from '../random-sampler.js';
import { type Dimension, toDimension, toInternal, toParamValue } from './dimension.js';
import { KernelMemory } from './kernel-memory.js';
import { type Observations, ParzenEstimator, type ParzenOptions } from './parzen-estimator.js';
import { splitTrials } from './split-trials.js';

export interface TpeOptions extends ParzenOptions {
  /** Random parameters until this many trials are COMPLETE or PRUNED. */
  readonly nStartupTrials: number;
  /** Points drawn from l(x) per ask; the one with the best l(x)/g(x) is proposed. */
  readonly nEiCandidates: number;
  /** How many of the n finished trials are the good ones. */
  readonly gamma: (n: number) => number;
  /** One joint estimator for the parameters that are active together, rather than one per parameter. */
  readonly multivariate: boolean;
  /** Count RUNNING trials among the bad ones, so parallel asks spread out. */
  readonly constantLiar: boolean;
}

/**
 * The defaults of Optuna 5's TPESampler, which the literature's studies back (Watanabe 2023,
 * "Tree-structured Parzen estimator: understanding its algorithm components"): 10 random
 * trials, 24 candidates, the best 10% (at most 25) as good, prior weight 1, the magic clip
 * on, the endpoints off, multivariate, constant liar.
 */
export const TPE_DEFAULTS: TpeOptions = {
  nStartupTrials: 10,
  nEiCandidates: 24,
  gamma: (n) => Math.min(Math.ceil(0.1 * n), 25),
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: true,
  constantLiar: true,
};

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011): split the finished trials into good
 * and bad, fit a density to the parameters of each, and propose, among points drawn from the
 * good density l(x), the one that maximises l(x)/g(x). The tree is the space's conditions:
 * parameters that are active under the same conditions are modelled together, on the trials
 * in which they were active, once the parameters they depend on are chosen.
 */
export class TpeSampler implements Sampler {
  readonly options: TpeOptions;
  /** What the estimators of one ask leave for the next (a sampler serves one study's asks), by estimator and parameter. */
  private readonly memories = new Map<string, KernelMemory>();

  constructor(options: Partial<TpeOptions> = {}) {
    this.options = { ...TPE_DEFAULTS, ...options };
    requireWholeNumber('the tpe sampler', 'nStartupTrials', this.options.nStartupTrials, 0);
    requireWholeNumber('the tpe sampler', 'nEiCandidates', this.options.nEiCandidates, 1);
    if (!(this.options.priorWeight >= 0))
      throw new UsageError(`the tpe sampler: priorWeight must be >= 0, got ${this.options.priorWeight}`);
  }

  ask(space: SearchSpace, history: StudyHistory, rng: Rng): TrialParams {
    const direction = singleDirection(history, 'the tpe sampler');
    const finished = history.trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED');
    if (finished.length < this.options.nStartupTrials) return drawParams(space, rng);
    const { below, above } = splitTrials(history.trials, this.options.gamma(finished.length), direction, this.options.constantLiar);
    const assigned: Record<string, ParamValue> = {};
    for (const group of this.groups(space)) {
      if (isActive(group[0] as SearchParameter, assigned)) Object.assign(assigned, this.sampleGroup(group, below, above, rng));
    }
    // In declaration order, as the other samplers give them.
    return Object.fromEntries(space.parameters.filter((p) => p.name in assigned).map((p) => [p.name, assigned[p.name] as ParamValue]));
  }

  /**
   * Parameters under the same conditions, in the order of their first member: a group's
   * conditions only name parameters declared above its first member, so those are chosen by
   * the time it is sampled. Without multivariate, every parameter is a group of its own.
   */
  private groups(space: SearchSpace): SearchParameter[][] {
    if (!this.options.multivariate) return space.parameters.map((p) => [p]);
    const groups = new Map<string, SearchParameter[]>();
    for (const parameter of space.parameters) {
      const key = canonicalJson((parameter.when ?? {}) as JsonObject);
      groups.set(key, [...(groups.get(key) ?? []), parameter]);
    }
    return [...groups.values()];
  }

  private sampleGroup(group: readonly SearchParameter[], below: readonly Trial[], above: readonly Trial[], rng: Rng): TrialParams {
    const dimensions = group.map((p) => toDimension(p.distribution));
    const good = new ParzenEstimator(dimensions, observations(group, dimensions, below), this.options, this.memoriesOf('good', group));
    const bad = new ParzenEstimator(dimensions, observations(group, dimensions, above), this.options, this.memoriesOf('bad', group));
    const candidates = good.sample(rng, this.options.nEiCandidates);
    const goodLogPdf = good.logPdf(candidates);
    const badLogPdf = bad.logPdf(candidates);
    let best = 0;
    for (let i = 1; i < candidates.length; i++) {
      if ((goodLogPdf[i] as number) - (badLogPdf[i] as number) > (goodLogPdf[best] as number) - (badLogPdf[best] as number)) best = i;
    }
    const chosen = candidates[best] as number[];
    return Object.fromEntries(group.map((p, d) => [p.name, toParamValue(dimensions[d] as Dimension, chosen[d] as number)]));
  }

  private memoriesOf(estimator: 'good' | 'bad', group: readonly SearchParameter[]): KernelMemory[] {
    return group.map((parameter) => {
      const key = `${estimator} ${parameter.name}`;
      const memory = this.memories.get(key) ?? new KernelMemory();
      this.memories.set(key, memory);
      return memory;
    });
  }
}

/** The group's values in the trials where all of them were active and still lie in the space. */
function observations(group: readonly SearchParameter[], dimensions: readonly Dimension[], trials: readonly Trial[]): Observations {
  const observed = trials.filter((trial) => group.every((p) => p.name in trial.params && contains(p.distribution, trial.params[p.name])));
  const numbers = new Int32Array(observed.length);
  for (let i = 0; i < observed.length; i++) numbers[i] = (observed[i] as Trial).number;
  const columns = group.map((p, d) => {
    // A loop: Float64Array.from with a function iterates, several times slower.
    const column = new Float64Array(observed.length);
    for (let i = 0; i < observed.length; i++) {
      column[i] = toInternal(dimensions[d] as Dimension, (observed[i] as Trial).params[p.name] as ParamValue);
    }
    return column;
  });
  return { numbers, columns };
}
