import { toLoss } from '../../objective.js';
import type { Direction, Trial } from '../../types.js';

/**
 * TPE's split of the history into the good trials, which shape l(x), and the rest, which shape
 * g(x) (Optuna's rules): the best `nBelow` COMPLETE trials are good; when there are fewer,
 * PRUNED ones fill up, those that got furthest (then reported the best last value) first.
 * RUNNING trials join the rest with their parameters: the "constant liar" that keeps
 * parallel asks from proposing what another worker is already evaluating. FAILED trials say
 * nothing and are left out. Both groups come back in trial order.
 */
export function splitTrials(
  trials: readonly Trial[],
  nBelow: number,
  direction: Direction,
  withRunning: boolean,
): { below: Trial[]; above: Trial[] } {
  const ordered = inNumberOrder(trials);
  const complete = ordered.filter((t) => t.state === 'COMPLETE');
  const fromComplete = Math.min(nBelow, complete.length);
  const good = new Set(bestByLoss(complete, fromComplete, direction));
  const pruned = ordered.filter((t) => t.state === 'PRUNED').sort((a, b) => comparePruned(a, b, direction) || a.number - b.number);
  for (const trial of pruned.slice(0, Math.min(nBelow - fromComplete, pruned.length))) good.add(trial);
  const above = (t: Trial) => t.state === 'COMPLETE' || t.state === 'PRUNED' || (withRunning && t.state === 'RUNNING');
  return { below: ordered.filter((t) => good.has(t)), above: ordered.filter((t) => !good.has(t) && above(t)) };
}

function inNumberOrder(trials: readonly Trial[]): readonly Trial[] {
  const ordered = trials.every((trial, i) => i === 0 || (trials[i - 1] as Trial).number < trial.number);
  return ordered ? trials : [...trials].sort((a, b) => a.number - b.number);
}

/**
 * The `count` trials of the lowest loss, ties to the lower number (`trials` in number order): the
 * count-th lowest loss found by a typed array's numeric sort, not by sorting the trials with a
 * comparator, which was a tenth of an ask at 1,000 trials.
 */
function bestByLoss(trials: readonly Trial[], count: number, direction: Direction): Trial[] {
  if (count === 0) return [];
  const losses = Float64Array.from(trials, (t) => toLoss(t.values?.[0], direction));
  const threshold = losses.slice().sort()[count - 1] as number;
  let atThreshold = count;
  for (const loss of losses) if (loss < threshold) atThreshold--;
  return trials.filter((_, i) => {
    const loss = losses[i] as number;
    return loss < threshold || (loss === threshold && atThreshold-- > 0);
  });
}

/** Furthest last step first, then the better last value; a trial that reported nothing last. */
function comparePruned(a: Trial, b: Trial, direction: Direction): number {
  const lastA = a.intermediate?.at(-1);
  const lastB = b.intermediate?.at(-1);
  if (!lastA || !lastB) return (lastA ? 0 : 1) - (lastB ? 0 : 1);
  return lastB.step - lastA.step || toLoss(lastA.value, direction) - toLoss(lastB.value, direction);
}
