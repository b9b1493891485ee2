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
  const below: Trial[] = [];
  const above: Trial[] = [];
  for (const t of ordered) {
    if (good.has(t)) below.push(t);
    else if (t.state === 'COMPLETE' || t.state === 'PRUNED' || (withRunning && t.state === 'RUNNING')) above.push(t);
  }
  return { below, above };
}

function inNumberOrder(trials: readonly Trial[]): readonly Trial[] {
  const ordered = trials.every((trial, i) => i === 0 || (trials[i - 1] as Trial).number < trial.number);
  return ordered ? trials : [...trials].sort((a, b) => a.number - b.number);
}

/**
 * The `count` trials of the lowest loss, ties to the lower number (`trials` in number order): the
 * count-th lowest loss found by selection, not by sorting (the trials with a comparator was a
 * tenth of an ask at 1,000 trials, their losses a tenth of what was left; Float64Array.from
 * with a function, which iterates, most of the rest).
 */
function bestByLoss(trials: readonly Trial[], count: number, direction: Direction): Trial[] {
  if (count === 0) return [];
  const losses = new Float64Array(trials.length);
  for (let i = 0; i < trials.length; i++) losses[i] = toLoss((trials[i] as Trial).values?.[0], direction);
  const threshold = kthSmallest(losses.slice(), count - 1);
  let atThreshold = count;
  for (const loss of losses) if (loss < threshold) atThreshold--;
  return trials.filter((_, i) => {
    const loss = losses[i] as number;
    return loss < threshold || (loss === threshold && atThreshold-- > 0);
  });
}

/** The k-th smallest (from 0) of `values`, which it reorders: Hoare's selection, linear on average. */
function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swapped = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = swapped;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k] as number;
}

/** Furthest last step first, then the better last value; a trial that reported nothing last. */
function comparePruned(a: Trial, b: Trial, direction: Direction): number {
  const lastA = a.intermediate?.at(-1);
  const lastB = b.intermediate?.at(-1);
  if (!lastA || !lastB) return (lastA ? 0 : 1) - (lastB ? 0 : 1);
  return lastB.step - lastA.step || toLoss(lastA.value, direction) - toLoss(lastB.value, direction);
}
