import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GridTooLargeError } from '../../../src/errors.js';
import { expandGrid } from '../../../src/spec/expand-grid.js';
import { checkGridSize } from '../../../src/spec/grid-size.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';

const load = (yaml: string) => loadSpecText(yaml, 'spec.yaml').spec;

test('a grid at the limit passes; one run more is refused with its size and the limit', () => {
  const spec = load('name: g\nparameters:\n  a: range(10)\n  b: range(10)\n');
  checkGridSize(spec, 100);
  assert.throws(
    () => checkGridSize(spec, 99),
    (error: unknown) =>
      error instanceof GridTooLargeError &&
      error.code === 'LB_GRID_TOO_LARGE' &&
      error.runs === 100 &&
      error.limit === 99 &&
      error.message.startsWith('g: the grid has 100 runs (a 10 × b 10), more than the limit of 99;'),
  );
});

test('the count is the most the grid plans: includes at their largest, excludes not subtracted', () => {
  const spec = load(
    'name: g\nparameters:\n  o:\n    lr: [1, 2]\n  d: [a, b, c]\nexclude:\n  - {d: a}\ninclude:\n  - {o.lr: 3}\n  - {o: {lr: 1}, d: z}\n',
  );
  assert.ok(expandGrid(spec).length <= 6 + 3 + 1);
  checkGridSize(spec, 10);
  assert.throws(() => checkGridSize(spec, 9), /has 10 runs \(o\.lr 2 × d 3, up to 4 more from include, before exclude\)/);
});
