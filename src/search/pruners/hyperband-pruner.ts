import { singleDirection } from '../objective.js';
import type { Pruner, StudyHistory, Trial } from '../types.js';
import { othersThan } from './reports.js';
import { checkSchedule, maxEarlyStoppingRate, pruneAtRungs, type RungSchedule } from './rungs.js';

export interface HyperbandOptions {
  readonly minResource: number;
  readonly maxResource: number;
  readonly reductionFactor: number;
}

interface Bracket {
  readonly schedule: RungSchedule;
  /** Trials of this bracket per Hyperband iteration. */
  readonly size: number;
}

/**
 * Hyperband (Li et al. 2018): successive halving in s_max + 1 brackets that trade many
 * trials cut early against few trials run long. Bracket i starts judging at minResource · η^i
 * and gets ⌈(s_max + 1) η^s / (s + 1)⌉ trials per iteration (s = s_max - i). Trial numbers
 * fill the brackets in turn, iteration after iteration; a trial competes with the trials of
 * its own bracket in its own iteration.
 */
export class HyperbandPruner implements Pruner {
  readonly brackets: readonly Bracket[];
  private readonly iterationSize: number;

  constructor(options: Partial<HyperbandOptions> & Pick<HyperbandOptions, 'maxResource'>) {
    const { minResource = 1, maxResource, reductionFactor = 3 } = options;
    checkSchedule('the hyperband pruner', { minResource, reductionFactor, minEarlyStoppingRate: 0, maxResource });
    const sMax = maxEarlyStoppingRate(minResource, maxResource, reductionFactor);
    this.brackets = Array.from({ length: sMax + 1 }, (_, i) => {
      const s = sMax - i;
      return {
        schedule: { minResource, reductionFactor, minEarlyStoppingRate: i, maxResource },
        size: Math.ceil(((sMax + 1) * reductionFactor ** s) / (s + 1)),
      };
    });
    this.iterationSize = this.brackets.reduce((sum, b) => sum + b.size, 0);
  }

  shouldPrune(trial: Trial, step: number, value: number, history: StudyHistory): boolean {
    const direction = singleDirection(history, 'the hyperband pruner');
    const place = this.placeOf(trial.number);
    const competitors = othersThan(trial, history.trials).filter((t) => {
      const other = this.placeOf(t.number);
      return other.iteration === place.iteration && other.bracket === place.bracket;
    });
    return pruneAtRungs((this.brackets[place.bracket] as Bracket).schedule, trial, step, value, competitors, direction);
  }

  /** The iteration and bracket trial `number` belongs to. */
  placeOf(number: number): { iteration: number; bracket: number } {
    let offset = number % this.iterationSize;
    let bracket = 0;
    while (offset >= (this.brackets[bracket] as Bracket).size) offset -= (this.brackets[bracket++] as Bracket).size;
    return { iteration: Math.floor(number / this.iterationSize), bracket };
  }
}
