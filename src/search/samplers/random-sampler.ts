import { drawUniform } from '../draw-uniform.js';
import type { Rng } from '../rng.js';
import { assignInOrder } from '../space.js';
import type { Sampler, SearchSpace, TrialParams } from '../types.js';

/** Each active parameter drawn uniformly, in declaration order (docs/search.md gives the formulas). */
export function drawParams(space: SearchSpace, rng: Rng): TrialParams {
  return assignInOrder(space, (parameter) => drawUniform(parameter.distribution, rng));
}

/** Ignores the history: the baseline every other sampler must beat. */
export class RandomSampler implements Sampler {
  ask(space: SearchSpace, _history: unknown, rng: Rng): TrialParams {
    return drawParams(space, rng);
  }
}
