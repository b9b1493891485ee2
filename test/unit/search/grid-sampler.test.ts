import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { Rng } from '../../../src/search/rng.js';
import { GridSampler, gridPoints } from '../../../src/search/samplers/grid-sampler.js';
import { defineSearchSpace } from '../../../src/search/space-schema.js';
import type { Trial, TrialParams, TrialState } from '../../../src/search/types.js';

const space = defineSearchSpace({
  kernel: { categorical: ['linear', 'rbf'] },
  C: { intlog: [1, 3] },
  gamma: { uniform: [0.1, 0.3], step: 0.1, when: { kernel: 'rbf' } },
});

test('the grid of a conditional space: each branch only with its own parameters', () => {
  assert.deepEqual(gridPoints(space), [
    { kernel: 'linear', C: 1 },
    { kernel: 'linear', C: 2 },
    { kernel: 'linear', C: 3 },
    { kernel: 'rbf', C: 1, gamma: 0.1 },
    { kernel: 'rbf', C: 1, gamma: 0.2 },
    { kernel: 'rbf', C: 1, gamma: 0.3 },
    { kernel: 'rbf', C: 2, gamma: 0.1 },
    { kernel: 'rbf', C: 2, gamma: 0.2 },
    { kernel: 'rbf', C: 2, gamma: 0.3 },
    { kernel: 'rbf', C: 3, gamma: 0.1 },
    { kernel: 'rbf', C: 3, gamma: 0.2 },
    { kernel: 'rbf', C: 3, gamma: 0.3 },
  ]);
});

test('each point is asked once, whatever became of the trials, then nothing', () => {
  const sampler = new GridSampler();
  const trials: Trial[] = [];
  const states: TrialState[] = ['COMPLETE', 'FAILED', 'PRUNED', 'RUNNING'];
  for (let n = 0; n < 12; n++) {
    const params = sampler.ask(space, { directions: ['minimize'], trials }, new Rng(5, n)) as TrialParams;
    trials.push({ number: n, state: states[n % 4] as TrialState, params, values: [n] });
  }
  assert.equal(new Set(trials.map((t) => JSON.stringify(t.params))).size, 12);
  assert.equal(sampler.ask(space, { directions: ['minimize'], trials }, new Rng(5, 12)), undefined);
});

test('the order of the points depends on the seed, so that parallel studies spread out', () => {
  const first = (seed: number) => new GridSampler().ask(space, { directions: ['minimize'], trials: [] }, new Rng(seed, 0));
  const firsts = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => JSON.stringify(first(seed))));
  assert.ok(firsts.size > 3);
});

test('a continuous range or a huge grid is refused with what to do', () => {
  const ask = (raw: unknown) => () => new GridSampler().ask(defineSearchSpace(raw), { directions: ['minimize'], trials: [] }, new Rng(1));
  assert.throws(
    ask({ lr: { loguniform: [1e-3, 1] } }),
    (e: unknown) => e instanceof UsageError && /lr is a continuous loguniform: list the values to try as categorical/.test(e.message),
  );
  assert.throws(ask({ x: { uniform: [0, 1] } }), /x is a continuous uniform: give it a step$/);
  assert.throws(
    ask({ a: { int: [1, 1000] }, b: { int: [1, 1000] } }),
    /more than 100000 points; give coarser steps, or use the random or tpe sampler/,
  );
  assert.throws(ask({ a: { int: [1, 10_000_000] } }), /more than 100000 points/);
});
