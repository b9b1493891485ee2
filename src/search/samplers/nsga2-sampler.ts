import { drawUniform } from '../draw-uniform.js';
import { requireProbability, requireWholeNumber } from '../options.js';
import { crowdingDistances, dominates, lossVector, nonDominatedRanks } from '../pareto.js';
import type { Rng } from '../rng.js';
import { assignInOrder, contains } from '../space.js';
import type { ParamValue, Sampler, SearchSpace, StudyHistory, Trial, TrialParams } from '../types.js';
import { drawParams } from './random-sampler.js';

export interface Nsga2Options {
  readonly populationSize: number;
  /** Chance that a child mixes two parents rather than copying one. */
  readonly crossoverProbability: number;
  /** In a crossover, the chance that a parameter comes from the second parent (uniform crossover). */
  readonly swappingProbability: number;
  /** Chance that a parameter is drawn afresh; by default 1 / the number of parameters. */
  readonly mutationProbability?: number;
}

/** Optuna's NSGAIISampler defaults. */
export const NSGA2_DEFAULTS: Nsga2Options = { populationSize: 50, crossoverProbability: 0.9, swappingProbability: 0.5 };

interface Member {
  readonly trial: Trial;
  readonly losses: readonly number[];
}

/**
 * NSGA-II (Deb et al. 2002) for one or more objectives. Trials are numbered into generations
 * of `populationSize`; a trial of generation g is a child of the elite of generation g - 1's
 * COMPLETE trials and its parents (non-dominated rank first, then crowding distance), chosen by
 * binary tournament on dominance, mixed by uniform crossover and mutated by redrawing
 * parameters. Generation 0 is random. The generations follow from trial numbers alone, so
 * any process that sees the same history proposes the same child.
 */
export class Nsga2Sampler implements Sampler {
  readonly options: Nsga2Options;

  constructor(options: Partial<Nsga2Options> = {}) {
    this.options = { ...NSGA2_DEFAULTS, ...options };
    requireWholeNumber('the nsga2 sampler', 'populationSize', this.options.populationSize, 2);
    requireProbability('the nsga2 sampler', 'crossoverProbability', this.options.crossoverProbability);
    requireProbability('the nsga2 sampler', 'swappingProbability', this.options.swappingProbability);
    if (this.options.mutationProbability !== undefined)
      requireProbability('the nsga2 sampler', 'mutationProbability', this.options.mutationProbability);
  }

  ask(space: SearchSpace, history: StudyHistory, rng: Rng): TrialParams {
    const number = history.trials.reduce((max, t) => Math.max(max, t.number + 1), 0);
    const parents = this.parentsOf(Math.floor(number / this.options.populationSize), history);
    if (parents.length === 0) return drawParams(space, rng);
    const { crossoverProbability, swappingProbability } = this.options;
    const mutation = this.options.mutationProbability ?? 1 / Math.max(1, space.parameters.length);
    const crossover = rng.nextFloat() < crossoverProbability;
    const first = crossover ? tournament(parents, rng) : (parents[rng.nextInt(parents.length)] as Member);
    const second =
      crossover && parents.length > 1
        ? tournament(
            parents.filter((p) => p !== first),
            rng,
          )
        : first;
    return assignInOrder(space, (parameter) => {
      const [source, other] = crossover && rng.nextFloat() < swappingProbability ? [second, first] : [first, second];
      if (rng.nextFloat() >= mutation) {
        // A parameter the chosen parent lacks (its conditions differed) comes from the other, or is drawn.
        for (const parent of [source, other]) {
          const value = parent.trial.params[parameter.name];
          if (contains(parameter.distribution, value)) return value as ParamValue;
        }
      }
      return drawUniform(parameter.distribution, rng);
    });
  }

  /** The elite that generation `generation` is bred from (none for generation 0). */
  private parentsOf(generation: number, history: StudyHistory): Member[] {
    let parents: Member[] = [];
    for (let g = 1; g <= generation; g++) {
      const population = history.trials
        .filter((t) => t.state === 'COMPLETE' && Math.floor(t.number / this.options.populationSize) === g - 1)
        .map((trial) => ({ trial, losses: lossVector(trial, history.directions) }));
      parents = this.elite([...population, ...parents]);
    }
    return parents;
  }

  /** The best populationSize members: whole fronts by rank, the last one cut by crowding distance. */
  private elite(members: Member[]): Member[] {
    const ranks = nonDominatedRanks(members.map((m) => m.losses));
    const elite: Member[] = [];
    for (let rank = 0; elite.length < this.options.populationSize; rank++) {
      const front = members.filter((_, i) => ranks[i] === rank);
      if (front.length === 0) break;
      const room = this.options.populationSize - elite.length;
      if (front.length <= room) {
        elite.push(...front);
      } else {
        const distances = crowdingDistances(front.map((m) => m.losses));
        const widest = [...front.keys()].sort((a, b) => (distances[b] as number) - (distances[a] as number) || a - b);
        elite.push(...widest.slice(0, room).map((i) => front[i] as Member));
      }
    }
    return elite;
  }
}

/** Binary tournament: of two members drawn at random, the first if it dominates the second, else the second. */
function tournament(population: readonly Member[], rng: Rng): Member {
  const a = population[rng.nextInt(population.length)] as Member;
  const b = population[rng.nextInt(population.length)] as Member;
  return dominates(a.losses, b.losses) ? a : b;
}
