import { UsageError } from '../errors.js';
import type { Direction, StudyHistory } from './types.js';

/** The direction of a single-objective study; `who` (the tpe sampler, pruning) needs exactly one. */
export function singleDirection(history: StudyHistory, who: string): Direction {
  const [direction, ...others] = history.directions;
  if (!direction || others.length) {
    throw new UsageError(
      `${who} works on one objective, and this study has ${history.directions.length}; use the nsga2 sampler and no pruner`,
    );
  }
  return direction;
}

/** A value as a loss: negated when maximised, and NaN as the worst there is. */
export function toLoss(value: number | undefined, direction: Direction): number {
  const loss = (direction === 'minimize' ? 1 : -1) * (value ?? Number.NaN);
  return Number.isNaN(loss) ? Number.POSITIVE_INFINITY : loss;
}
