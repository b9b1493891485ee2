import type { Distribution, ParamValue, SearchParameter, SearchSpace, TrialParams } from './types.js';

/** Whether `parameter` takes part in an assignment that holds `assigned` for the parameters above it. */
export function isActive(parameter: SearchParameter, assigned: TrialParams): boolean {
  if (!parameter.when) return true;
  return Object.entries(parameter.when).every(([parent, values]) => parent in assigned && values.includes(assigned[parent] as ParamValue));
}

/**
 * Builds an assignment in declaration order: each parameter whose conditions hold gets the
 * value `choose` gives it (which may look at the parameters assigned above it).
 */
export function assignInOrder(space: SearchSpace, choose: (parameter: SearchParameter, assigned: TrialParams) => ParamValue): TrialParams {
  const assigned: Record<string, ParamValue> = {};
  for (const parameter of space.parameters) {
    if (isActive(parameter, assigned)) assigned[parameter.name] = choose(parameter, assigned);
  }
  return assigned;
}

/** Relative slack for "on the grid of a float step": (value - low) / step may be this far from a whole number. */
const STEP_TOLERANCE = 1e-9;

/** How many values a stepped range holds: low, low + step, …, high. */
export function stepCount(low: number, high: number, step: number): number {
  return Math.round((high - low) / step) + 1;
}

/** Whether `value` is one the distribution can produce: in range, on its step, an integer where it must be. */
export function contains(distribution: Distribution, value: unknown): boolean {
  if (distribution.kind === 'categorical') return distribution.choices.includes(value as ParamValue);
  if (typeof value !== 'number' || !(value >= distribution.low && value <= distribution.high)) return false;
  switch (distribution.kind) {
    case 'int':
      return Number.isInteger(value) && (value - distribution.low) % distribution.step === 0;
    case 'intlog':
      return Number.isInteger(value);
    case 'uniform': {
      if (distribution.step === undefined) return true;
      const k = (value - distribution.low) / distribution.step;
      return Math.abs(k - Math.round(k)) <= STEP_TOLERANCE * Math.max(1, Math.abs(k));
    }
    case 'loguniform':
      return true;
  }
}

/**
 * The k-th value of a float range with a step, written with no more decimals than its low and
 * step have (0.1 · 3 is 0.3, not 0.30000000000000004), so that it hashes and prints as typed.
 */
export function steppedFloat(low: number, step: number, k: number): number {
  const digits = Math.max(decimalPlaces(low), decimalPlaces(step));
  return Number((low + k * step).toFixed(Math.min(digits, 100)));
}

/** 0.25 → 2, 1e-5 → 5, 1.5e-7 → 8, 3 → 0. */
function decimalPlaces(x: number): number {
  const [mantissa = '', exponent] = Math.abs(x).toString().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}
