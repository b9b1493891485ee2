import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandGrid } from '../../../src/spec/expand-grid.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';
import { runHash } from '../../../src/spec/run-hash.js';

const MEMENTO = `
name: memento
parameters:
  dataset: [digits, wine, breast_cancer]
  feature_engineering: [none, simple_imputer]
  preprocessing: [none, minmax, standard]
  model: [adaboost, random_forest, svc]
settings:
  n_fold: 5
exclude:
  - {dataset: digits, feature_engineering: simple_imputer}
`;

const expand = (yaml: string, overrides: string[] = []) => expandGrid(loadSpecText(yaml, 'spec.yaml', overrides).spec);

test('the Memento example grid has 54 runs minus 9 excluded = 45', () => {
  const runs = expand(MEMENTO);
  assert.equal(runs.length, 45);
  assert.ok(runs.every((r) => !(r.params.dataset === 'digits' && r.params.feature_engineering === 'simple_imputer')));
  assert.equal(runs.filter((r) => r.params.dataset === 'digits').length, 9);
  assert.equal(new Set(runs.map((r) => r.hash)).size, 45);
});

test('the grid is in itertools.product order: the last parameter varies fastest', () => {
  const runs = expand('name: g\nparameters:\n  a: [1, 2]\n  b: [x, y, z]\n');
  assert.deepEqual(
    runs.map((r) => `${r.params.a}${r.params.b}`),
    ['1x', '1y', '1z', '2x', '2y', '2z'],
  );
});

test('expansion is deterministic and each hash is the hash of the params', () => {
  const first = expand(MEMENTO);
  const second = expand(MEMENTO);
  assert.deepEqual(first, second);
  for (const run of first) assert.equal(run.hash, runHash(run.params));
});

test('an exclude entry removes every run matching all of its keys', () => {
  const runs = expand('name: g\nparameters:\n  a: [1, 2]\n  b: [x, y]\n  c: [p, q]\nexclude:\n  - {a: 1, b: x}\n  - {c: q}\n');
  assert.deepEqual(
    runs.map((r) => `${r.params.a}${r.params.b}${r.params.c}`),
    ['1yp', '2xp', '2yp'],
  );
});

test('an exclude entry may name one key only, and entries may overlap', () => {
  const runs = expand('name: g\nparameters:\n  a: [1, 2, 3]\n  b: [x, y]\nexclude:\n  - {a: 1}\n  - {a: 1, b: y}\n  - {b: x}\n');
  assert.deepEqual(
    runs.map((r) => `${r.params.a}${r.params.b}`),
    ['2y', '3y'],
  );
});

test('excluding everything leaves an empty grid', () => {
  assert.equal(expand('name: g\nparameters:\n  a: [1, 2]\nexclude:\n  - {a: 1}\n  - {a: 2}\n').length, 0);
});

test('an include entry adds runs; unnamed parameters range over their values', () => {
  const runs = expand('name: g\nparameters:\n  dataset: [wine]\n  model: [svc, rf]\ninclude:\n  - {dataset: iris}\n');
  assert.deepEqual(
    runs.map((r) => `${r.params.dataset}/${r.params.model}`),
    ['wine/svc', 'wine/rf', 'iris/svc', 'iris/rf'],
  );
});

test('an include entry naming every parameter adds exactly one run', () => {
  const runs = expand('name: g\nparameters:\n  a: [1, 2]\n  b: [x]\ninclude:\n  - {a: 9, b: z}\n');
  assert.deepEqual(
    runs.map((r) => `${r.params.a}${r.params.b}`),
    ['1x', '2x', '9z'],
  );
});

test('includes come after excludes, so an include can bring back an excluded run', () => {
  const runs = expand('name: g\nparameters:\n  a: [1, 2]\n  b: [x, y]\nexclude:\n  - {a: 1}\ninclude:\n  - {a: 1, b: y}\n');
  assert.deepEqual(
    runs.map((r) => `${r.params.a}${r.params.b}`),
    ['2x', '2y', '1y'],
  );
});

test('an include that duplicates a planned run adds nothing', () => {
  const runs = expand('name: g\nparameters:\n  a: [1, 2]\ninclude:\n  - {a: 2}\n  - {a: 3}\n  - {a: 3}\n');
  assert.deepEqual(
    runs.map((r) => r.params.a),
    [1, 2, 3],
  );
});

test('nested groups give nested params; exclude may use dotted or nested keys', () => {
  const yaml = `
name: g
parameters:
  optimizer:
    name: [adam, sgd]
    lr: [0.1, 0.01]
  depth: [2]
exclude:
  - {optimizer.name: sgd, optimizer.lr: 0.1}
  - optimizer: {name: adam, lr: 0.01}
`;
  const runs = expand(yaml);
  assert.deepEqual(
    runs.map((r) => r.params),
    [
      { optimizer: { name: 'adam', lr: 0.1 }, depth: 2 },
      { optimizer: { name: 'sgd', lr: 0.01 }, depth: 2 },
    ],
  );
});

test('values can be lists and mappings; equal values match in exclude', () => {
  const runs = expand(
    'name: g\nparameters:\n  layers: [[64, 64], [128]]\n  opt: [{name: adam}, {name: sgd}]\nexclude:\n  - {layers: [128], opt: {name: sgd}}\n',
  );
  assert.equal(runs.length, 3);
  assert.deepEqual(runs[0]?.params, { layers: [64, 64], opt: { name: 'adam' } });
});

test('seeds add a seed parameter that varies fastest', () => {
  assert.deepEqual(
    expand('name: g\nparameters:\n  a: [1]\nseeds: 3\n').map((r) => r.params),
    [
      { a: 1, seed: 0 },
      { a: 1, seed: 1 },
      { a: 1, seed: 2 },
    ],
  );
  assert.deepEqual(
    expand('name: g\nparameters:\n  a: [1]\nseeds: [7, 42]\n').map((r) => r.params.seed),
    [7, 42],
  );
});

test('ranges follow Python: the stop is excluded, float steps are clean', () => {
  assert.deepEqual(
    expand('name: g\nparameters:\n  x: range(3)\n').map((r) => r.params.x),
    [0, 1, 2],
  );
  assert.deepEqual(
    expand('name: g\nparameters:\n  x: range(0, 1, 0.25)\n').map((r) => r.params.x),
    [0, 0.25, 0.5, 0.75],
  );
  assert.deepEqual(
    expand('name: g\nparameters:\n  x: range(0, 0.5, 0.1)\n').map((r) => r.params.x),
    [0, 0.1, 0.2, 0.3, 0.4],
  );
  assert.deepEqual(
    expand('name: g\nparameters:\n  x: range(1, 1.1, 0.1)\n').map((r) => r.params.x),
    [1],
  );
  assert.deepEqual(
    expand('name: g\nparameters:\n  x: range(5, 0, -2)\n').map((r) => r.params.x),
    [5, 3, 1],
  );
});

test('a single scalar is a parameter with one value', () => {
  assert.deepEqual(
    expand('name: g\nparameters:\n  a: 3\n  b: [1, 2]\n').map((r) => r.params),
    [
      { a: 3, b: 1 },
      { a: 3, b: 2 },
    ],
  );
});
