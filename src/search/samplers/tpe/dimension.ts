import { clamp } from '../../draw-uniform.js';
import { stepCount, steppedFloat } from '../../space.js';
import type { Distribution, ParamValue } from '../../types.js';

/**
 * A parameter as the Parzen estimators see it. Numbers live on an internal scale, the log for
 * log distributions; a stepped one (int, intlog, uniform with a step) owns [x - step/2,
 * x + step/2] around each of its values, so its kernels are truncated to [low - step/2,
 * high + step/2]. A categorical parameter is the index of its choice.
 */
export type Dimension =
  | {
      readonly kind: 'numeric';
      readonly low: number;
      readonly high: number;
      /** 0 for a continuous range. */
      readonly step: number;
      readonly log: boolean;
      /** The kernels' domain on the internal scale. */
      readonly internalLow: number;
      readonly internalHigh: number;
    }
  | { readonly kind: 'categorical'; readonly choices: readonly ParamValue[] };

export function toDimension(distribution: Distribution): Dimension {
  if (distribution.kind === 'categorical') return { kind: 'categorical', choices: distribution.choices };
  const log = distribution.kind === 'loguniform' || distribution.kind === 'intlog';
  const step =
    distribution.kind === 'int'
      ? distribution.step
      : distribution.kind === 'intlog'
        ? 1
        : distribution.kind === 'uniform'
          ? (distribution.step ?? 0)
          : 0;
  const scale = log ? Math.log : (x: number) => x;
  const { low, high } = distribution;
  return { kind: 'numeric', low, high, step, log, internalLow: scale(low - step / 2), internalHigh: scale(high + step / 2) };
}

/** A parameter value on the estimators' scale: the log of a log-scale number, a choice's index. */
export function toInternal(dimension: Dimension, value: ParamValue): number {
  if (dimension.kind === 'categorical') return dimension.choices.indexOf(value);
  return dimension.log ? Math.log(value as number) : (value as number);
}

/** A number drawn on the internal scale, back on the parameter's scale and grid, within its bounds. */
export function fromInternalDraw(dimension: Dimension & { kind: 'numeric' }, internal: number): number {
  const value = dimension.log ? Math.exp(internal) : internal;
  const { low, high, step } = dimension;
  if (step === 0) return clamp(value, low, high);
  const k = clamp(Math.round((value - low) / step), 0, stepCount(low, high, step) - 1);
  return steppedFloat(low, step, k);
}

export function toParamValue(dimension: Dimension, sampled: number): ParamValue {
  return dimension.kind === 'categorical' ? (dimension.choices[sampled] as ParamValue) : sampled;
}
