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
  const complete = trials
    .filter((t) => t.state === 'COMPLETE')
    .sort((a, b) => toLoss(a.values?.[0], direction) - toLoss(b.values?.[0], direction) || a.number - b.number);
  const pruned = trials.filter((t) => t.state === 'PRUNED').sort((a, b) => comparePruned(a, b, direction) || a.number - b.number);
  const fromComplete = Math.min(nBelow, complete.length);
  const fromPruned = Math.min(nBelow - fromComplete, pruned.length);
  const below = [...complete.slice(0, fromComplete), ...pruned.slice(0, fromPruned)];
  const running = withRunning ? trials.filter((t) => t.state === 'RUNNING') : [];
  const above = [...complete.slice(fromComplete), ...pruned.slice(fromPruned), ...running];
  const byNumber = (a: Trial, b: Trial) => a.number - b.number;
  return { below: below.sort(byNumber), above: above.sort(byNumber) };
}

/** Furthest last step first, then the better last value; a trial that reported nothing last. */
function comparePruned(a: Trial, b: Trial, direction: Direction): number {
  const lastA = a.intermediate?.at(-1);
  const lastB = b.intermediate?.at(-1);
  if (!lastA || !lastB) return (lastA ? 0 : 1) - (lastB ? 0 : 1);
  return lastB.step - lastA.step || toLoss(lastA.value, direction) - toLoss(lastB.value, direction);
}
