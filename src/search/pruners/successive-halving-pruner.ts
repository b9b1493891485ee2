import { singleDirection } from '../objective.js';
import { requireWholeNumber } from '../options.js';
import type { Pruner, StudyHistory, Trial } from '../types.js';
import { othersThan } from './reports.js';
import { checkSchedule, maxEarlyStoppingRate, pruneAtRungs, type RungSchedule } from './rungs.js';

export interface SuccessiveHalvingOptions {
  readonly minResource: number;
  /** The step a trial that is never pruned reaches; no rung at or past it. */
  readonly maxResource: number;
  readonly reductionFactor: number;
  /** Trials per bracket; by default η^s_max, so that about one trial of each reaches maxResource. */
  readonly cohortSize?: number;
}

/**
 * Successive halving (Jamieson & Talwalkar 2016) as one bracket after another: trials
 * 0..n-1 are a cohort, n..2n-1 the next, and at each rung a trial competes only with its own
 * cohort, keeping the best 1/η. The synchronous algorithm would wait at each rung for the
 * whole cohort; a pruner cannot hold a trial, so a trial is judged against the members that
 * reached the rung before it. This is Hyperband's inner loop; on its own, asha (one bracket
 * for every trial) usually uses the evidence better.
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly schedule: RungSchedule;
  readonly cohortSize: number;

  constructor(options: Partial<SuccessiveHalvingOptions> & Pick<SuccessiveHalvingOptions, 'maxResource'>) {
    const { minResource = 1, maxResource, reductionFactor = 3 } = options;
    this.schedule = { minResource, reductionFactor, minEarlyStoppingRate: 0, maxResource };
    checkSchedule('the successive-halving pruner', this.schedule);
    if (options.cohortSize !== undefined) requireWholeNumber('the successive-halving pruner', 'cohortSize', options.cohortSize, 1);
    this.cohortSize = options.cohortSize ?? reductionFactor ** maxEarlyStoppingRate(minResource, maxResource, reductionFactor);
  }

  shouldPrune(trial: Trial, step: number, value: number, history: StudyHistory): boolean {
    const direction = singleDirection(history, 'the successive-halving pruner');
    const cohort = Math.floor(trial.number / this.cohortSize);
    const competitors = othersThan(trial, history.trials).filter((t) => Math.floor(t.number / this.cohortSize) === cohort);
    return pruneAtRungs(this.schedule, trial, step, value, competitors, direction);
  }
}
