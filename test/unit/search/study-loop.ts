import { Rng } from '../../../src/search/rng.js';
import type { Direction, Sampler, SearchSpace, Trial, TrialParams } from '../../../src/search/types.js';

/**
 * A sequential study in memory: ask, evaluate, tell COMPLETE, `count` times, trial n drawing
 * from stream n of `seed`. Returns the trials.
 */
export function runStudy(
  sampler: Sampler,
  space: SearchSpace,
  objective: (params: TrialParams) => number | number[],
  options: { seed: number; count: number; directions?: Direction[] },
): Trial[] {
  const directions = options.directions ?? ['minimize'];
  const trials: Trial[] = [];
  for (let number = 0; number < options.count; number++) {
    const params = sampler.ask(space, { directions, trials }, new Rng(options.seed, number));
    if (!params) break;
    const value = objective(params);
    trials.push({ number, state: 'COMPLETE', params, values: Array.isArray(value) ? value : [value] });
  }
  return trials;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return ((sorted[(sorted.length - 1) >> 1] as number) + (sorted[sorted.length >> 1] as number)) / 2;
}
