import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { SpecError } from '../../../src/errors.js';
import { defineSearchSpace, parseSearchSpace } from '../../../src/search/space-schema.js';
import { repoPath } from '../../helpers/paths.js';

/** The problems a search block has, as `key: message` lines. */
function problems(raw: unknown): string[] {
  return parseSearchSpace(raw).issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

test('every kind of distribution, with steps and a condition, becomes a typed space in declaration order', () => {
  const space = defineSearchSpace(
    parse(`
lr: {loguniform: [1e-5, 0.1]}
units: {int: [32, 512], step: 32}
layers: {int: [1, 4]}
dropout: {uniform: [0.0, 0.5], step: 0.05}
batch: {intlog: [16, 1024]}
kernel: {categorical: [linear, rbf, poly]}
gamma: {loguniform: [1e-4, 10], when: {kernel: rbf}}
degree: {int: [2, 5], when: {kernel: [poly]}}
`),
  );
  assert.deepEqual(space.parameters, [
    { name: 'lr', distribution: { kind: 'loguniform', low: 1e-5, high: 0.1 } },
    { name: 'units', distribution: { kind: 'int', low: 32, high: 512, step: 32 } },
    { name: 'layers', distribution: { kind: 'int', low: 1, high: 4, step: 1 } },
    { name: 'dropout', distribution: { kind: 'uniform', low: 0, high: 0.5, step: 0.05 } },
    { name: 'batch', distribution: { kind: 'intlog', low: 16, high: 1024 } },
    { name: 'kernel', distribution: { kind: 'categorical', choices: ['linear', 'rbf', 'poly'] } },
    { name: 'gamma', distribution: { kind: 'loguniform', low: 1e-4, high: 10 }, when: { kernel: ['rbf'] } },
    { name: 'degree', distribution: { kind: 'int', low: 2, high: 5, step: 1 }, when: { kernel: ['poly'] } },
  ]);
});

test('each mistake is named by its key path, with the fix', () => {
  const cases: Array<[unknown, RegExp]> = [
    [[], /^search: expected a mapping of parameter → distribution, e\.g\./],
    [{ lr: 0.1 }, /^search\.lr: expected a distribution, e\.g\. \{loguniform: \[1e-5, 0\.1\]\}; the distributions are uniform, loguniform/],
    [{ lr: {} }, /^search\.lr: give a distribution, one of uniform, loguniform, int, intlog, categorical/],
    [{ lr: { uniform: [0, 1], loguniform: [1e-3, 1] } }, /^search\.lr: give one distribution, found uniform and loguniform$/],
    [{ lr: { logunifrom: [1e-3, 1] } }, /^search\.lr\.logunifrom: unknown key 'logunifrom'; did you mean 'loguniform'\?/],
    [{ lr: { loguniform: [0.1] } }, /^search\.lr\.loguniform: expected \[low, high\], e\.g\. loguniform: \[1e-5, 0\.1\]$/],
    [{ lr: { loguniform: ['a', 1] } }, /^search\.lr\.loguniform\.0: expected \[low, high\]/],
    [{ lr: { loguniform: [0, 1] } }, /^search\.lr\.loguniform: a log scale needs low > 0 \(got 0\)/],
    [{ lr: { uniform: [1, 1] } }, /^search\.lr\.uniform: low must be below high \(got \[1, 1\]\); for a constant, use settings: instead$/],
    [{ n: { int: [1, 2.5] } }, /^search\.n\.int: expected whole numbers \(got \[1, 2\.5\]\); for fractions use uniform$/],
    [{ n: { intlog: [0, 8] } }, /^search\.n\.intlog: a log scale of integers needs low >= 1 \(got 0\)/],
    [{ n: { int: [1, 8], step: 1.5 } }, /^search\.n\.step: an int step is a whole number \(got 1\.5\)/],
    [{ n: { int: [0, 10], step: 3 } }, /^search\.n\.step: 0\.\.10 is not a whole number of steps of 3; make high 9 or 12$/],
    [
      { d: { uniform: [0, 0.55], step: 0.1 } },
      /^search\.d\.step: 0\.\.0\.55 is not a whole number of steps of 0\.1; make high 0\.5 or 0\.6$/,
    ],
    [{ lr: { loguniform: [1e-5, 1], step: 0.1 } }, /^search\.lr\.step: a log scale takes no step; use uniform with a step, or drop it$/],
    [{ d: { uniform: [0, 1], step: -1 } }, /^search\.d\.step: expected a positive number, e\.g\. step: 0\.05$/],
    [{ k: { categorical: [] } }, /^search\.k\.categorical: expected at least one choice/],
    [{ k: { categorical: ['a', 'a'] } }, /^search\.k\.categorical: "a" is listed twice; give each choice once$/],
    [{ k: { categorical: [{ a: 1 }] } }, /^search\.k\.categorical\.0: expected a string, a number or a boolean$/],
    [{ g: { uniform: [0, 1], when: { kernel: 'rbf' } } }, /^search\.g\.when\.kernel: 'kernel' is not a parameter declared above this one$/],
    [
      { kernel: { categorical: ['rbf'] }, g: { uniform: [0, 1], when: { kernal: 'rbf' } } },
      /^search\.g\.when\.kernal: 'kernal' is not a parameter declared above this one; did you mean 'kernel'\?$/,
    ],
    [
      { kernel: { categorical: ['linear', 'rbf'] }, g: { uniform: [0, 1], when: { kernel: 'rbff' } } },
      /^search\.g\.when\.kernel: "rbff": not a value 'kernel' takes \(its choices: "linear", "rbf"\)$/,
    ],
    [
      { layers: { int: [1, 4] }, u2: { int: [8, 64], when: { layers: [2, 9] } } },
      /^search\.u2\.when\.layers: 9: not a value 'layers' takes \(integers 1\.\.4\)$/,
    ],
    [
      { x: { uniform: [0, 1] }, y: { uniform: [0, 1], when: { x: 0.5 } } },
      /^search\.y\.when\.x: a condition needs a categorical or int parameter; 'x' is uniform$/,
    ],
    [{ x: { uniform: [0, 1], when: {} } }, /^search\.x\.when: expected at least one condition/],
  ];
  for (const [raw, expected] of cases) {
    const found = problems(raw);
    assert.equal(found.length, 1, `${JSON.stringify(raw)} → ${found.join(' | ')}`);
    assert.match(found[0] as string, expected);
  }
});

test('all the problems of a block are reported at once', () => {
  assert.deepEqual(
    problems({ a: { uniform: [1, 0] }, b: { int: [1, 2], stpe: 1 }, c: 'x' }).map((p) => p.split(':')[0]),
    ['search.a.uniform', 'search.b.stpe', 'search.c'],
  );
});

test('defineSearchSpace throws LB_SPEC_INVALID listing each problem by key', () => {
  assert.throws(
    () => defineSearchSpace({ lr: { loguniform: [0, 1] }, n: { int: [1, 2], step: 0 } }),
    (error: unknown) =>
      error instanceof SpecError &&
      error.code === 'LB_SPEC_INVALID' &&
      /^search\.lr\.loguniform: a log scale needs low > 0/m.test(error.message) &&
      /^search\.n\.step: expected a positive number/m.test(error.message),
  );
});

test('an issue path starts where the caller says the block is', () => {
  assert.deepEqual(parseSearchSpace({ x: 1 }, ['experiments', 0, 'search']).issues[0]?.path, ['experiments', 0, 'search', 'x']);
});

const doc = readFileSync(repoPath('docs', 'search.md'), 'utf8');
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

test('docs/search.md has YAML examples, and each one’s search block is valid', () => {
  assert.ok(examples.length >= 2);
  for (const example of examples) {
    const { search } = parse(example) as { search: unknown };
    assert.deepEqual(problems(search), [], example);
  }
});
