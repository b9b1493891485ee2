import { toLoss } from '../objective.js';
import { requireWholeNumber } from '../options.js';
import type { Direction, Trial } from '../types.js';
import { lastStepBefore } from './reports.js';

/**
 * Where successive halving judges: rung k at step minResource · η^(s + k), η the reduction
 * factor and s the minimum early-stopping rate; none at or past maxResource, where a trial
 * has run its full course.
 */
export interface RungSchedule {
  readonly minResource: number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly maxResource?: number;
}

/** Refuses a schedule with no rungs to speak of; `owner` names the pruner in the message. */
export function checkSchedule(owner: string, schedule: RungSchedule): void {
  requireWholeNumber(owner, 'minResource', schedule.minResource, 1);
  requireWholeNumber(owner, 'reductionFactor', schedule.reductionFactor, 2);
  requireWholeNumber(owner, 'minEarlyStoppingRate', schedule.minEarlyStoppingRate, 0);
  if (schedule.maxResource !== undefined) requireWholeNumber(owner, 'maxResource', schedule.maxResource, schedule.minResource + 1);
}

export function rungStep(schedule: RungSchedule, rung: number): number {
  return schedule.minResource * schedule.reductionFactor ** (schedule.minEarlyStoppingRate + rung);
}

/** The largest s with minResource · η^s <= maxResource: Hyperband's s_max. */
export function maxEarlyStoppingRate(minResource: number, maxResource: number, reductionFactor: number): number {
  let s = 0;
  while (minResource * reductionFactor ** (s + 1) <= maxResource) s++;
  return s;
}

/**
 * The successive-halving rule, decided when a trial first reports at or past a rung (several
 * rungs at once if it skipped some): it goes on only if its value there is among the best
 * 1/η of the values recorded at that rung, its own included, by `competitors` (at least the
 * best one always goes on). A trial's value at a rung is its first report at or past it,
 * whatever its state since. A NaN value stops it.
 */
export function pruneAtRungs(
  schedule: RungSchedule,
  trial: Trial,
  step: number,
  value: number,
  competitors: readonly Trial[],
  direction: Direction,
): boolean {
  const previous = lastStepBefore(trial, step);
  for (let rung = 0; ; rung++) {
    const at = rungStep(schedule, rung);
    if (at > step || (schedule.maxResource !== undefined && at >= schedule.maxResource)) return false;
    if (previous !== undefined && previous >= at) continue;
    if (Number.isNaN(value)) return true;
    const recorded = competitors.flatMap((t) => {
      const first = t.intermediate?.find((r) => r.step >= at);
      return first ? [toLoss(first.value, direction)] : [];
    });
    const losses = [...recorded, toLoss(value, direction)].sort((a, b) => a - b);
    const kept = Math.max(1, Math.floor(losses.length / schedule.reductionFactor));
    if (toLoss(value, direction) > (losses[kept - 1] as number)) return true;
  }
}
