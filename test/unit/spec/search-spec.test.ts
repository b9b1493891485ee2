import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpecError } from '../../../src/errors.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';

const SPEC = `name: svm
command: python train.py --kernel {kernel} --C {C} --gamma {gamma} --dataset {dataset}
parameters:
  dataset: [digits]
search:
  kernel: {categorical: [linear, rbf]}
  C: {loguniform: [1e-3, 1e3]}
  gamma: {loguniform: [1e-4, 10], when: {kernel: rbf}}
`;

function issuesOf(text: string): string[] {
  try {
    loadSpecText(text, 'svm.yaml');
  } catch (error) {
    assert.ok(error instanceof SpecError);
    return error.issues.map((issue) => `${issue.line}: ${issue.key}: ${issue.message}`);
  }
  assert.fail('the spec was accepted');
}

test('a spec with a search space: its parameters are placeholders of the command, beside the grid', () => {
  const { spec } = loadSpecText(SPEC, 'svm.yaml');
  assert.deepEqual(
    spec.search?.parameters.map((p) => [p.name, p.distribution.kind, p.when]),
    [
      ['kernel', 'categorical', undefined],
      ['C', 'loguniform', undefined],
      ['gamma', 'loguniform', { kernel: ['rbf'] }],
    ],
  );
  assert.deepEqual([...spec.parameters.keys()], ['dataset']);
  assert.ok(loadSpecText('name: s\ncommand: echo {lr}\nsearch:\n  lr: {uniform: [0, 1]}\n', 's.yaml').spec.search, 'no grid needed');
});

test('a bad search space is refused with the line and key of each problem', () => {
  assert.deepEqual(issuesOf(SPEC.replace('1e-3, 1e3', '0, 1e3').replace('{kernel: rbf}', '{kernal: rbf}')), [
    '7: search.C.loguniform: a log scale needs low > 0 (got 0), e.g. loguniform: [1e-5, 0.1]',
    "8: search.gamma.when.kernal: 'kernal' is not a parameter declared above this one; did you mean 'kernel'?",
  ]);
  assert.deepEqual(issuesOf(SPEC.replace('dataset: [digits]', 'dataset: [digits]\n  C: [1, 2]')), [
    "8: search.C: 'C' is in parameters too; keep it in one place",
  ]);
});
