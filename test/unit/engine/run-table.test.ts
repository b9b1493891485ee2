import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunTableRow } from '../../../src/domain/index.js';
import { runTable } from '../../../src/engine/run-table.js';

const row = (id: number, fields: Partial<RunTableRow>): RunTableRow => ({
  id,
  experiment: 'cv',
  state: 'COMPLETED',
  attempt: 1,
  params: {},
  result: null,
  metrics: {},
  ...fields,
});

test('a row per run: the run, its parameters dotted, its metrics, its result fields; null where a run has no such column', () => {
  const table = runTable([
    row(1, { params: { opt: { lr: 0.1 }, seed: 0 }, metrics: { loss: 0.5 }, result: { score: 0.9 } }),
    row(2, { params: { opt: { lr: 1 }, seed: 1, extra: true }, result: 3 }),
  ]);
  assert.deepEqual(table.columns, ['id', 'experiment', 'state', 'attempt', 'opt.lr', 'seed', 'loss', 'score', 'extra', 'result']);
  assert.deepEqual(table.metricColumns, ['loss']);
  assert.deepEqual(table.rows, [
    [1, 'cv', 'COMPLETED', 1, 0.1, 0, 0.5, 0.9, null, null],
    [2, 'cv', 'COMPLETED', 1, 1, 1, null, null, true, 3],
  ]);
});

test('a metric or a result field never hides a parameter of the same name', () => {
  const table = runTable([row(1, { params: { score: 'p' }, metrics: { score: 1 }, result: { score: 'r' } })]);
  assert.deepEqual(table.rows, [[1, 'cv', 'COMPLETED', 1, 'p']]);
  assert.deepEqual(table.metricColumns, []);
});
