import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandGrid } from '../../../src/spec/expand-grid.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';
import { parseOverride } from '../../../src/spec/overrides.js';

const BASE = `
name: base
parameters:
  lr: [0.1]
  model: [svc, rf]
  optimizer:
    name: [adam]
    momentum: [0.9]
settings:
  n_fold: 5
  data: {root: /data}
`;

const load = (...overrides: string[]) => loadSpecText(BASE, 'base.yaml', overrides);

test('a comma list sweeps a parameter', () => {
  const { spec } = load('lr=0.1,0.01');
  assert.deepEqual(spec.parameters.get('lr'), { kind: 'values', values: [0.1, 0.01] });
});

test('range() sweeps a parameter', () => {
  const { spec } = load('+seed=range(5)');
  assert.deepEqual(spec.parameters.get('seed'), { kind: 'values', values: [0, 1, 2, 3, 4] });
});

test('values are typed as YAML reads them', () => {
  assert.deepEqual(parseOverride('x=1,1.5,1e-3,true,null,svc,"a,b",[1,2],{k: v}').values, [
    1,
    1.5,
    0.001,
    true,
    null,
    'svc',
    'a,b',
    [1, 2],
    { k: 'v' },
  ]);
});

test('one value replaces the values of a parameter', () => {
  assert.deepEqual(
    expandGrid(load('model=svc').spec).map((r) => r.params.model),
    ['svc'],
  );
});

test('dotted keys reach into groups', () => {
  const runs = expandGrid(load('optimizer.momentum=0.5,0.99').spec);
  assert.deepEqual(
    runs.map((r) => (r.params.optimizer as { momentum: number }).momentum),
    [0.5, 0.99, 0.5, 0.99],
  );
});

test('+key adds a parameter, also inside a new group', () => {
  const { spec } = load('+model_cfg.depth=3', '+dropout=0,0.5');
  const runs = expandGrid(spec);
  assert.equal(runs.length, 4);
  assert.deepEqual(runs[0]?.params.model_cfg, { depth: 3 });
});

test('++key adds or replaces', () => {
  assert.deepEqual(
    expandGrid(load('++lr=0.5').spec).map((r) => r.params.lr),
    [0.5, 0.5],
  );
  assert.deepEqual(
    expandGrid(load('++wd=0').spec).map((r) => r.params.wd),
    [0, 0],
  );
});

test('~key removes a parameter', () => {
  const runs = expandGrid(load('~model').spec);
  assert.equal(runs.length, 1);
  assert.equal('model' in (runs[0]?.params ?? {}), false);
});

test('settings are overridden by name or by settings.name, one value each', () => {
  assert.equal(load('n_fold=10').spec.settings.n_fold, 10);
  assert.deepEqual(load('settings.data.root=/scratch').spec.settings.data, { root: '/scratch' });
});

test('overrides do not change the hash of runs they leave as they were', () => {
  const plain = expandGrid(load().spec);
  const overridden = expandGrid(load('n_fold=10').spec);
  assert.deepEqual(
    overridden.map((r) => r.hash),
    plain.map((r) => r.hash),
  );
});

test('the raw spec kept for the store has the overrides applied', () => {
  const { raw } = load('lr=0.3');
  assert.deepEqual(raw.parameters.lr, [0.3]);
});

test('keys are own keys: constructor and toString are names like any other, __proto__ none at all', () => {
  assert.deepEqual(load('+constructor=1', '+toString=a,b').spec.parameters.get('toString'), { kind: 'values', values: ['a', 'b'] });
  assert.throws(() => load('toString=1'), /'toString' is not a parameter or setting/);
  assert.throws(() => load('optimizer.constructor=1'), /'optimizer\.constructor' is not a parameter or setting/);
  assert.throws(() => load('+__proto__.polluted=1'), /'__proto__' is reserved by JavaScript and cannot be a key/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
