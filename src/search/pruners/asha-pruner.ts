import { singleDirection } from '../objective.js';
import type { Pruner, StudyHistory, Trial } from '../types.js';
import { othersThan } from './reports.js';
import { checkSchedule, pruneAtRungs, type RungSchedule } from './rungs.js';

/** Optuna's SuccessiveHalvingPruner defaults (its successive halving is asynchronous). */
export const ASHA_DEFAULTS: RungSchedule = { minResource: 1, reductionFactor: 4, minEarlyStoppingRate: 0 };

/**
 * Asynchronous successive halving (Li et al. 2020, the stopping variant): at each rung a trial
 * goes on if it is among the best 1/η of all trials that reached the rung so far. It never
 * waits for others, so it suits any number of parallel workers; the rungs have no top.
 */
export class AshaPruner implements Pruner {
  readonly schedule: RungSchedule;

  constructor(options: Partial<Omit<RungSchedule, 'maxResource'>> = {}) {
    this.schedule = { ...ASHA_DEFAULTS, ...options };
    checkSchedule('the asha pruner', this.schedule);
  }

  shouldPrune(trial: Trial, step: number, value: number, history: StudyHistory): boolean {
    const direction = singleDirection(history, 'the asha pruner');
    return pruneAtRungs(this.schedule, trial, step, value, othersThan(trial, history.trials), direction);
  }
}
