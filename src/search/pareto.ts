import { toLoss } from './objective.js';
import type { Direction, StudyHistory, Trial } from './types.js';

/** A COMPLETE trial's values as losses, one per objective. */
export function lossVector(trial: Trial, directions: readonly Direction[]): number[] {
  return directions.map((direction, i) => toLoss(trial.values?.[i], direction));
}

/** Whether loss vector `a` is no worse than `b` in every objective and better in one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) > (b[i] as number)) return false;
    if ((a[i] as number) < (b[i] as number)) better = true;
  }
  return better;
}

/**
 * Deb's fast non-dominated sort: rank 0 for the points no other dominates, rank 1 for those
 * only rank 0 dominates, and so on.
 */
export function nonDominatedRanks(losses: readonly (readonly number[])[]): number[] {
  const n = losses.length;
  const dominatedBy = Array.from({ length: n }, () => 0);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(losses[i] as number[], losses[j] as number[])) {
        (dominating[i] as number[]).push(j);
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (dominates(losses[j] as number[], losses[i] as number[])) {
        (dominating[j] as number[]).push(i);
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  const ranks = Array.from({ length: n }, () => -1);
  let front = [...Array(n).keys()].filter((i) => dominatedBy[i] === 0);
  for (let rank = 0; front.length; rank++) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = rank;
      for (const j of dominating[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    front = next;
  }
  return ranks;
}

/** The Pareto front of a study: its COMPLETE trials that no other COMPLETE trial dominates, in trial order. */
export function paretoFront(history: StudyHistory): Trial[] {
  const complete = history.trials.filter((t) => t.state === 'COMPLETE');
  const ranks = nonDominatedRanks(complete.map((t) => lossVector(t, history.directions)));
  return complete.filter((_, i) => ranks[i] === 0).sort((a, b) => a.number - b.number);
}

/**
 * NSGA-II's crowding distance of each point among `losses`: per objective, the gap between
 * its two neighbours over the objective's finite range; the extremes are infinitely far.
 * An objective on which all points agree adds nothing.
 */
export function crowdingDistances(losses: readonly (readonly number[])[]): number[] {
  const distances = losses.map(() => 0);
  const objectives = losses[0]?.length ?? 0;
  for (let m = 0; m < objectives; m++) {
    const order = [...losses.keys()].sort((a, b) => (losses[a]?.[m] as number) - (losses[b]?.[m] as number));
    const sorted = order.map((i) => losses[i]?.[m] as number);
    if (sorted[0] === sorted.at(-1)) continue;
    const finite = sorted.filter(Number.isFinite);
    const width = finite.length ? (finite.at(-1) as number) - (finite[0] as number) : 0;
    const padded = [Number.NEGATIVE_INFINITY, ...sorted, Number.POSITIVE_INFINITY];
    order.forEach((i, j) => {
      const lower = padded[j] as number;
      const upper = padded[j + 2] as number;
      // Two equal infinities are no gap.
      const gap = lower === upper ? 0 : upper - lower;
      distances[i] = (distances[i] as number) + gap / (width > 0 ? width : 1);
    });
  }
  return distances;
}
