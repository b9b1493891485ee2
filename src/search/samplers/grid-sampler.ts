import { UsageError } from '../../errors.js';
import { canonicalJson } from '../../spec/canonical-json.js';
import type { Rng } from '../rng.js';
import { isActive, stepCount, steppedFloat } from '../space.js';
import type { Distribution, ParamValue, Sampler, SearchParameter, SearchSpace, StudyHistory, TrialParams } from '../types.js';

/** More points than this and the grid is refused: a search, not an enumeration, is what such a space needs. */
export const MAX_GRID_POINTS = 100_000;

/**
 * Every combination of the space's values (a parameter inactive under its conditions adds no
 * branch), each tried once: an unvisited point is picked at random, so that parallel studies
 * spread over the grid. A trial in any state, RUNNING or FAILED included, has visited its
 * point. Undefined once all are visited.
 */
export class GridSampler implements Sampler {
  ask(space: SearchSpace, history: StudyHistory, rng: Rng): TrialParams | undefined {
    const visited = new Set(history.trials.map((trial) => canonicalJson(trial.params)));
    const unvisited = gridPoints(space).filter((point) => !visited.has(canonicalJson(point)));
    return unvisited.length ? unvisited[rng.nextInt(unvisited.length)] : undefined;
  }
}

/** The points of the grid, in declaration order with the last parameter varying fastest. */
export function gridPoints(space: SearchSpace): TrialParams[] {
  const valuesOf = new Map(space.parameters.map((p) => [p.name, gridValues(p)]));
  let points: Array<Record<string, ParamValue>> = [{}];
  for (const parameter of space.parameters) {
    points = points.flatMap((point) =>
      isActive(parameter, point)
        ? (valuesOf.get(parameter.name) as ParamValue[]).map((value) => ({ ...point, [parameter.name]: value }))
        : [point],
    );
    if (points.length > MAX_GRID_POINTS) throw gridTooLarge();
  }
  return points;
}

function gridValues(parameter: SearchParameter): ParamValue[] {
  const distribution: Distribution = parameter.distribution;
  switch (distribution.kind) {
    case 'categorical':
      return [...distribution.choices];
    case 'int':
      return steps(distribution.low, distribution.high, distribution.step);
    case 'intlog':
      return steps(distribution.low, distribution.high, 1);
    case 'uniform':
      if (distribution.step !== undefined) return steps(distribution.low, distribution.high, distribution.step);
  }
  const fix = distribution.kind === 'uniform' ? 'give it a step' : 'list the values to try as categorical';
  throw new UsageError(`the grid sampler needs a finite set of values, and ${parameter.name} is a continuous ${distribution.kind}: ${fix}`);
}

function steps(low: number, high: number, step: number): number[] {
  const count = stepCount(low, high, step);
  if (count > MAX_GRID_POINTS) throw gridTooLarge();
  return Array.from({ length: count }, (_, k) => steppedFloat(low, step, k));
}

function gridTooLarge(): UsageError {
  return new UsageError(
    `the grid of this search space has more than ${MAX_GRID_POINTS} points; give coarser steps, or use the random or tpe sampler`,
  );
}
