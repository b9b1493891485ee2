import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandGrid, planRuns } from '../../../src/spec/expand-grid.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';
import { runHash } from '../../../src/spec/run-hash.js';

const load = (yaml: string) => loadSpecText(yaml, 'spec.yaml').spec;

const INCLUDES = `
name: g
parameters:
  a: [1, 2]
  b: [x, y]
exclude:
  - {a: 1, b: y}
include:
  - {b: x}
  - {a: 1, b: y}
  - {a: 9}
  - {a: 9, b: y}
  - {b: z}
`;

test('runs come in batches of at most the batch size, the grid in order across them', () => {
  const spec = load('name: g\nparameters:\n  a: range(10)\n  b: [x, y, z]\n');
  const batches = [...planRuns(spec, 7)];
  assert.deepEqual(
    batches.map((batch) => batch.length),
    [7, 7, 7, 7, 2],
  );
  assert.deepEqual(
    batches.flat().map((run) => run.paramsJson),
    expandGrid(spec).map((run) => JSON.stringify(run.params)),
  );
});

test("a run's hash is the hash of its parameters and its text keeps the order they are written in", () => {
  const spec = load('name: g\nparameters:\n  zeta: [{y: 1, x: [{b: 2, a: 1}]}]\n  alpha:\n    mid: [0.5]\n    low: ["é\\"", null]\n');
  for (const run of [...planRuns(spec)].flat()) {
    assert.equal(run.hash, runHash(JSON.parse(run.paramsJson)));
    assert.match(run.paramsJson, /^\{"zeta":\{"y":1,"x":\[\{"b":2,"a":1\}\]\},"alpha":\{"mid":0\.5,"low":/);
  }
});

test('an include repeats no run of the grid or of an earlier include, whatever the batches', () => {
  const spec = load(INCLUDES);
  const expected = ['1/x', '2/x', '2/y', '1/y', '9/x', '9/y', '1/z', '2/z'];
  for (const size of [1, 2, 1000]) {
    const runs = [...planRuns(spec, size)].flat().map((run) => JSON.parse(run.paramsJson) as { a: number; b: string });
    assert.deepEqual(
      runs.map((run) => `${run.a}/${run.b}`),
      expected,
      `batches of ${size}`,
    );
  }
});

test('an include of a value the grid has only excluded brings that run back once', () => {
  const spec = load('name: g\nparameters:\n  a: [1, 2]\nexclude:\n  - {a: 1}\ninclude:\n  - {a: 1}\n  - {a: 1}\n');
  assert.deepEqual(
    expandGrid(spec).map((run) => run.params.a),
    [2, 1],
  );
});
