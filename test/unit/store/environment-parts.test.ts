import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../../../src/spec/types.js';
import { joinEnvironment, PART_MIN_LENGTH, partsOf, splitEnvironment } from '../../../src/store/environment-parts.js';

const packages = Array.from({ length: 200 }, (_, i) => `package-${i}==1.${i}`);
const captured = { host: 'h', python: { version: '3.11.7', packages }, git: { diff: 'x'.repeat(PART_MIN_LENGTH * 2), dirty: true } };

test('long lists and strings become parts at any depth; the rest stays in the skeleton; joining gives the value back', () => {
  const environment = { ...captured, seed: 3 };
  const { skeleton, parts } = splitEnvironment(environment);
  assert.equal(parts.size, 2);
  assert.equal(partsOf(skeleton).length, 2);
  assert.equal((skeleton as { seed: number }).seed, 3);
  assert.ok(JSON.stringify(skeleton).length < 400);
  assert.deepEqual(
    joinEnvironment(skeleton, (sha256) => parts.get(sha256)),
    environment,
  );
});

test('runs sharing a captured environment get the same parts and their own values, however often it is split', () => {
  const splits = [1, 2, 3].map((seed) => splitEnvironment({ ...captured, seed }));
  for (const [i, { skeleton, parts }] of splits.entries()) {
    assert.deepEqual([...parts.keys()], [...(splits[0]?.parts.keys() ?? [])]);
    assert.deepEqual(
      joinEnvironment(skeleton, (sha256) => parts.get(sha256)),
      { ...captured, seed: i + 1 } as JsonValue,
    );
  }
});

test('short lists and strings are kept as they are', () => {
  const environment = { command: ['python', 'train.py'], cwd: '/p' };
  assert.deepEqual(splitEnvironment(environment), { skeleton: environment, parts: new Map() });
});
