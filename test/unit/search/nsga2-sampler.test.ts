import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crowdingDistances, nonDominatedRanks, paretoFront } from '../../../src/search/pareto.js';
import { Rng } from '../../../src/search/rng.js';
import { Nsga2Sampler } from '../../../src/search/samplers/nsga2-sampler.js';
import { RandomSampler } from '../../../src/search/samplers/random-sampler.js';
import { contains, isActive } from '../../../src/search/space.js';
import { defineSearchSpace } from '../../../src/search/space-schema.js';
import type { Trial, TrialParams } from '../../../src/search/types.js';
import { runStudy } from './study-loop.js';

const complete = (number: number, values: number[]): Trial => ({ number, state: 'COMPLETE', params: { n: number }, values });

test('the Pareto front: COMPLETE trials no other beats on every objective, each objective in its direction', () => {
  const trials: Trial[] = [
    complete(0, [1, 1]),
    complete(1, [2, 3]),
    complete(2, [3, 2]),
    complete(3, [2, 2]),
    complete(4, [0.5, 0.5]),
    { number: 5, state: 'FAILED', params: {} },
    { number: 6, state: 'PRUNED', params: {}, values: [9, 9] },
    complete(7, [Number.NaN, 9]),
  ];
  // Minimise the first, maximise the second: (2, 3) beats (2, 2) and (3, 2); the others trade
  // one objective for the other, a NaN first value included, since its second is the best.
  const front = paretoFront({ directions: ['minimize', 'maximize'], trials });
  assert.deepEqual(
    front.map((t) => t.number),
    [0, 1, 4, 7],
  );
  assert.deepEqual(
    paretoFront({ directions: ['minimize', 'minimize'], trials }).map((t) => t.number),
    [4],
  );
});

test('non-dominated ranks peel the fronts one after the other', () => {
  assert.deepEqual(
    nonDominatedRanks([
      [1, 5],
      [2, 2],
      [5, 1],
      [3, 3],
      [4, 4],
      [2, 2],
    ]),
    [0, 0, 0, 1, 2, 0],
  );
});

test('crowding distance: the ends of a front are infinitely far, inner points by their neighbours’ gap', () => {
  const distances = crowdingDistances([
    [0, 4],
    [1, 3],
    [3, 1],
    [4, 0],
  ]);
  assert.equal(distances[0], Number.POSITIVE_INFINITY);
  assert.equal(distances[3], Number.POSITIVE_INFINITY);
  // (1, 3): neighbours 0 and 3 on each objective, range 4: 3/4 + 3/4.
  assert.equal(distances[1], 1.5);
  assert.equal(distances[2], 1.5);
});

const DIMENSIONS = 5;
const zdtSpace = defineSearchSpace(Object.fromEntries(Array.from({ length: DIMENSIONS }, (_, i) => [`x${i}`, { uniform: [0, 1] }])));

/** ZDT1: its front is f2 = 1 - √f1 for f1 ∈ [0, 1], where x1…x4 = 0. */
function zdt1(params: TrialParams): number[] {
  const x = Object.values(params) as number[];
  const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (DIMENSIONS - 1);
  const f1 = x[0] as number;
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

/** The area the front dominates below the reference point (1.1, 1.1); the true front's is 0.88. */
function hypervolume(front: Trial[]): number {
  const points = front.map((t) => t.values as number[]).sort((a, b) => (a[0] as number) - (b[0] as number));
  let area = 0;
  let ceiling = 1.1;
  for (const [f1, f2] of points as Array<[number, number]>) {
    if (f1 < 1.1 && f2 < ceiling) {
      area += (1.1 - f1) * (ceiling - f2);
      ceiling = f2;
    }
  }
  return area;
}

test('NSGA-II moves towards the true front of ZDT1, where random search hardly gets there', () => {
  const directions: Array<'minimize'> = ['minimize', 'minimize'];
  const volume = (sampler: Nsga2Sampler | RandomSampler, seed: number) =>
    hypervolume(paretoFront({ directions, trials: runStudy(sampler, zdtSpace, zdt1, { seed, count: 400, directions }) }));
  for (const seed of [0, 1, 2]) {
    const nsga2 = volume(new Nsga2Sampler({ populationSize: 20 }), seed);
    const random = volume(new RandomSampler(), seed);
    assert.ok(nsga2 > 0.25 && nsga2 > random + 0.2, `seed ${seed}: nsga2 ${nsga2} vs random ${random}`);
  }
});

test('generation 0 is random; later children are made of their parents’ values; the same seed gives the same study', () => {
  const directions: Array<'minimize'> = ['minimize', 'minimize'];
  const sampler = new Nsga2Sampler({ populationSize: 10, mutationProbability: 0 });
  const trials = runStudy(sampler, zdtSpace, zdt1, { seed: 6, count: 30, directions });
  const random = runStudy(new RandomSampler(), zdtSpace, zdt1, { seed: 6, count: 10, directions });
  assert.deepEqual(
    trials.slice(0, 10).map((t) => t.params),
    random.map((t) => t.params),
  );
  for (const child of trials.slice(10, 20)) {
    for (const [name, value] of Object.entries(child.params))
      assert.ok(
        trials.slice(0, 10).some((parent) => parent.params[name] === value),
        name,
      );
  }
  assert.deepEqual(trials, runStudy(sampler, zdtSpace, zdt1, { seed: 6, count: 30, directions }));
});

test('only COMPLETE trials breed: a generation that failed leaves the next one random', () => {
  const sampler = new Nsga2Sampler({ populationSize: 4 });
  const failed: Trial[] = [0, 1, 2, 3].map((number) => ({ number, state: number % 2 ? 'FAILED' : 'RUNNING', params: { x0: 0.5 } }));
  const history = { directions: ['minimize', 'minimize'] as Array<'minimize'>, trials: failed };
  assert.deepEqual(sampler.ask(zdtSpace, history, new Rng(1, 4)), new RandomSampler().ask(zdtSpace, history, new Rng(1, 4)));
});

test('children of a conditional space keep every parameter in range and present exactly when active', () => {
  const space = defineSearchSpace({
    kernel: { categorical: ['linear', 'rbf'] },
    C: { loguniform: [1e-3, 1e3] },
    gamma: { loguniform: [1e-4, 10], when: { kernel: 'rbf' } },
  });
  const objectives = (p: TrialParams) => [Math.abs(Math.log10(p.C as number)), p.kernel === 'rbf' ? Math.log10(p.gamma as number) + 4 : 2];
  const directions: Array<'minimize'> = ['minimize', 'minimize'];
  for (const trial of runStudy(new Nsga2Sampler({ populationSize: 8 }), space, objectives, { seed: 3, count: 64, directions })) {
    for (const parameter of space.parameters) {
      assert.equal(parameter.name in trial.params, isActive(parameter, trial.params));
      if (parameter.name in trial.params) assert.ok(contains(parameter.distribution, trial.params[parameter.name]));
    }
  }
});

test('a population below 2 or a probability above 1 is refused', () => {
  assert.throws(() => new Nsga2Sampler({ populationSize: 1 }), /the nsga2 sampler: populationSize must be a whole number >= 2, got 1/);
  assert.throws(
    () => new Nsga2Sampler({ crossoverProbability: 1.5 }),
    /crossoverProbability must be a probability between 0 and 1, got 1.5/,
  );
});
