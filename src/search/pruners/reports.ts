import type { Trial } from '../types.js';

/** The last step a trial reported before `step`, or undefined if it reported none. */
export function lastStepBefore(trial: Trial, step: number): number | undefined {
  let last: number | undefined;
  for (const report of trial.intermediate ?? []) if (report.step < step && (last === undefined || report.step > last)) last = report.step;
  return last;
}

/** The trials of a study other than `trial` (a history may include the trial being judged). */
export function othersThan(trial: Trial, trials: readonly Trial[]): Trial[] {
  return trials.filter((t) => t.number !== trial.number);
}
