import { singleDirection, toLoss } from '../objective.js';
import { requireWholeNumber } from '../options.js';
import type { Pruner, StudyHistory, Trial } from '../types.js';
import { lastStepBefore, othersThan } from './reports.js';

export interface MedianOptions {
  /** No pruning until this many trials are COMPLETE. */
  readonly nStartupTrials: number;
  /** No pruning before this step. */
  readonly nWarmupSteps: number;
  /** Judge at most once per this many steps (counted from the warm-up). */
  readonly intervalSteps: number;
  /** No pruning at a step fewer COMPLETE trials reported at. */
  readonly nMinTrials: number;
}

/** Optuna's MedianPruner defaults. */
export const MEDIAN_DEFAULTS: MedianOptions = { nStartupTrials: 5, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 };

/**
 * Stops a trial whose best value so far is worse than the median of what the COMPLETE trials
 * reported at the same step (the median stopping rule of Google Vizier, as Optuna has it).
 */
export class MedianPruner implements Pruner {
  readonly options: MedianOptions;

  constructor(options: Partial<MedianOptions> = {}) {
    this.options = { ...MEDIAN_DEFAULTS, ...options };
    for (const [option, min] of [
      ['nStartupTrials', 0],
      ['nWarmupSteps', 0],
      ['intervalSteps', 1],
      ['nMinTrials', 1],
    ] as const) {
      requireWholeNumber('the median pruner', option, this.options[option], min);
    }
  }

  shouldPrune(trial: Trial, step: number, value: number, history: StudyHistory): boolean {
    const direction = singleDirection(history, 'the median pruner');
    const { nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials } = this.options;
    const complete = othersThan(trial, history.trials).filter((t) => t.state === 'COMPLETE');
    if (complete.length === 0 || complete.length < nStartupTrials || step < nWarmupSteps) return false;
    // Judge at the first report in each interval: the reports before it must all lie in earlier intervals.
    const intervalStart = Math.floor((step - nWarmupSteps) / intervalSteps) * intervalSteps + nWarmupSteps;
    if ((lastStepBefore(trial, step) ?? -1) >= intervalStart) return false;
    const losses = [...(trial.intermediate ?? []).filter((r) => r.step < step).map((r) => r.value), value]
      .filter((v) => !Number.isNaN(v))
      .map((v) => toLoss(v, direction));
    if (losses.length === 0) return true;
    const atStep = complete.flatMap((t) => t.intermediate?.filter((r) => r.step === step && !Number.isNaN(r.value)) ?? []);
    if (atStep.length < nMinTrials) return false;
    return Math.min(...losses) > median(atStep.map((r) => toLoss(r.value, direction)));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2;
}
