import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { expandGrid } from '../../../src/spec/expand-grid.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';
import { repoPath } from '../../helpers/paths.js';

const doc = readFileSync(repoPath('docs', 'spec.md'), 'utf8');
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

test('docs/spec.md has YAML examples', () => {
  assert.ok(examples.length >= 4);
});

examples.forEach((yaml, i) => {
  test(`docs/spec.md example ${i + 1} loads and expands to the runs it announces`, () => {
    const announced = /^# runs: (\d+)$/m.exec(yaml);
    assert.ok(announced, 'each example says how many runs it has');
    assert.equal(expandGrid(loadSpecText(yaml, `spec.md#${i + 1}`).spec).length, Number(announced[1]));
  });
});
