import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawUniform } from '../../../src/search/draw-uniform.js';
import { Rng } from '../../../src/search/rng.js';
import { RandomSampler } from '../../../src/search/samplers/random-sampler.js';
import { contains } from '../../../src/search/space.js';
import { defineSearchSpace } from '../../../src/search/space-schema.js';
import type { Distribution, ParamValue } from '../../../src/search/types.js';

const DRAWS = 20_000;

function draws(distribution: Distribution, seed = 1): ParamValue[] {
  const rng = new Rng(seed);
  return Array.from({ length: DRAWS }, () => drawUniform(distribution, rng));
}

/** The fraction of draws below `x`. */
const fractionBelow = (values: ParamValue[], x: number) => values.filter((v) => (v as number) < x).length / values.length;

test('uniform: inside [low, high], evenly spread', () => {
  const values = draws({ kind: 'uniform', low: -2, high: 3 });
  assert.ok(values.every((v) => typeof v === 'number' && v >= -2 && v <= 3));
  assert.ok(Math.abs(fractionBelow(values, 0.5) - 0.5) < 0.02);
});

test('uniform with a step: exactly the grid values as typed, both ends included, each about as often', () => {
  const values = draws({ kind: 'uniform', low: 0, high: 0.5, step: 0.05 });
  const grid = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
  assert.deepEqual(
    [...new Set(values)].sort((a, b) => (a as number) - (b as number)),
    grid,
  );
  for (const value of grid) assert.ok(Math.abs(values.filter((v) => v === value).length / DRAWS - 1 / 11) < 0.01, `${value}`);
});

test('loguniform: inside [low, high], as many draws in each decade', () => {
  const values = draws({ kind: 'loguniform', low: 1e-5, high: 0.1 });
  assert.ok(values.every((v) => (v as number) >= 1e-5 && (v as number) <= 0.1));
  for (const decade of [1e-4, 1e-3, 1e-2])
    assert.ok(Math.abs(fractionBelow(values, decade) - Math.log10(decade / 1e-5) / 4) < 0.02, `${decade}`);
});

test('int with a step: whole numbers on the step, both ends included', () => {
  const values = draws({ kind: 'int', low: 32, high: 512, step: 32 });
  assert.deepEqual(
    [...new Set(values)].sort((a, b) => (a as number) - (b as number)),
    Array.from({ length: 16 }, (_, i) => 32 + 32 * i),
  );
});

test('intlog: every whole number of the range, both ends included, evenly spread on a log scale', () => {
  const values = draws({ kind: 'intlog', low: 1, high: 64 });
  assert.ok(values.every((v) => Number.isInteger(v)));
  assert.deepEqual(
    [...new Set(values)].sort((a, b) => (a as number) - (b as number)),
    Array.from({ length: 64 }, (_, i) => i + 1),
  );
  // Each integer owns [k - ½, k + ½) on the log scale of [½, 64½].
  assert.ok(Math.abs(fractionBelow(values, 8) - Math.log(7.5 / 0.5) / Math.log(64.5 / 0.5)) < 0.02);
});

test('categorical: every choice, each about as often, booleans and numbers kept as they are', () => {
  const values = draws({ kind: 'categorical', choices: ['a', 2, true] });
  for (const choice of ['a', 2, true]) assert.ok(Math.abs(values.filter((v) => v === choice).length / DRAWS - 1 / 3) < 0.02);
});

test('every draw is a value its distribution contains, and nothing else is', () => {
  const distributions: Distribution[] = [
    { kind: 'uniform', low: 0.1, high: 0.2, step: 0.01 },
    { kind: 'loguniform', low: 0.3, high: 0.30001 },
    { kind: 'int', low: -5, high: 5, step: 5 },
    { kind: 'intlog', low: 1000, high: 1001 },
  ];
  for (const distribution of distributions)
    assert.ok(
      draws(distribution).every((v) => contains(distribution, v)),
      distribution.kind,
    );
  assert.equal(contains({ kind: 'int', low: -5, high: 5, step: 5 }, 1), false);
  assert.equal(contains({ kind: 'uniform', low: 0.1, high: 0.2, step: 0.01 }, 0.105), false);
  assert.equal(contains({ kind: 'uniform', low: 0.1, high: 0.2 }, 0.21), false);
  assert.equal(contains({ kind: 'categorical', choices: ['1'] }, 1), false);
});

const conditional = defineSearchSpace({
  kernel: { categorical: ['linear', 'rbf', 'poly'] },
  C: { loguniform: [1e-3, 1e3] },
  gamma: { loguniform: [1e-4, 10], when: { kernel: 'rbf' } },
  degree: { int: [2, 5], when: { kernel: 'poly' } },
  coef0: { uniform: [0, 1], when: { kernel: ['poly', 'rbf'], degree: [3, 4] } },
});

test('a conditional parameter is present exactly when its conditions hold', () => {
  const sampler = new RandomSampler();
  const seen = new Set<string>();
  for (let n = 0; n < 300; n++) {
    const params = sampler.ask(conditional, { directions: ['minimize'], trials: [] }, new Rng(3, n));
    assert.equal('gamma' in params, params.kernel === 'rbf');
    assert.equal('degree' in params, params.kernel === 'poly');
    // coef0 needs poly (rbf has no degree) and a degree of 3 or 4: both conditions.
    assert.equal('coef0' in params, params.kernel === 'poly' && (params.degree === 3 || params.degree === 4));
    seen.add(Object.keys(params).sort().join(','));
  }
  assert.equal(seen.size, 4, [...seen].join(' | '));
});

test('the same seed gives the same trials; another seed, others', () => {
  const sampler = new RandomSampler();
  const study = (seed: number) =>
    Array.from({ length: 20 }, (_, n) => sampler.ask(conditional, { directions: ['minimize'], trials: [] }, new Rng(seed, n)));
  assert.deepEqual(study(11), study(11));
  assert.notDeepEqual(study(11), study(12));
});
