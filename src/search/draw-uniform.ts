import type { Rng } from './rng.js';
import { stepCount, steppedFloat } from './space.js';
import type { Distribution, ParamValue } from './types.js';

/**
 * One value drawn uniformly from a distribution (on a log scale for loguniform and intlog).
 * docs/search.md spells out these formulas for other implementations; each uses one
 * nextFloat() (nextInt is floor(nextFloat() · n)).
 */
export function drawUniform(distribution: Distribution, rng: Rng): ParamValue {
  switch (distribution.kind) {
    case 'categorical':
      return distribution.choices[rng.nextInt(distribution.choices.length)] as ParamValue;
    case 'int':
      return distribution.low + rng.nextInt(stepCount(distribution.low, distribution.high, distribution.step)) * distribution.step;
    case 'uniform': {
      const { low, high, step } = distribution;
      if (step !== undefined) return steppedFloat(low, step, rng.nextInt(stepCount(low, high, step)));
      return Math.min(high, low + rng.nextFloat() * (high - low));
    }
    case 'loguniform':
      return clamp(logUniform(distribution.low, distribution.high, rng.nextFloat()), distribution.low, distribution.high);
    case 'intlog':
      // Each integer owns [k - 0.5, k + 0.5) on the log scale, as Optuna draws it.
      return clamp(
        Math.floor(logUniform(distribution.low - 0.5, distribution.high + 0.5, rng.nextFloat()) + 0.5),
        distribution.low,
        distribution.high,
      );
  }
}

function logUniform(low: number, high: number, u: number): number {
  const logLow = Math.log(low);
  return Math.exp(logLow + u * (Math.log(high) - logLow));
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
