import { UsageError } from '../errors.js';

/** Refuses a sampler's or pruner's option that is not a whole number of at least `min`. */
export function requireWholeNumber(owner: string, option: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min))
    throw new UsageError(`${owner}: ${option} must be a whole number >= ${min}, got ${value}`);
}

/** Refuses a probability outside [0, 1]. */
export function requireProbability(owner: string, option: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new UsageError(`${owner}: ${option} must be a probability between 0 and 1, got ${value}`);
}
