import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onSharedBase } from '../../../src/domain/environment-base.js';
import type { JsonValue } from '../../../src/spec/types.js';
import { PART_MIN_LENGTH, readEnvironment, readEnvironmentAsync, splitEnvironment } from '../../../src/store/environment-parts.js';

const packages = Array.from({ length: 200 }, (_, i) => `package-${i}==1.${i}`);
const captured = { host: 'h', python: { version: '3.11.7', packages }, git: { diff: 'x'.repeat(PART_MIN_LENGTH * 2), dirty: true } };

/** A reader over `parts` that notes which sha256s each round asked for. */
function readerOf(parts: ReadonlyMap<string, string>, asked: string[][] = []) {
  return (sha256s: string[]) => {
    asked.push(sha256s);
    return new Map(sha256s.flatMap((sha256) => (parts.has(sha256) ? [[sha256, parts.get(sha256) as string] as const] : [])));
  };
}

test('long lists and strings become parts at any depth; the rest stays in the skeleton; reading gives the value back', () => {
  const environment = { ...captured, seed: 3 };
  const { skeleton, parts } = splitEnvironment(environment);
  assert.equal(parts.size, 2);
  assert.equal((skeleton as { seed: number }).seed, 3);
  assert.ok(JSON.stringify(skeleton).length < 400);
  assert.deepEqual(readEnvironment(skeleton, readerOf(parts)), environment);
});

test('runs sharing a captured environment get the same parts and their own values, however often it is split', () => {
  const splits = [1, 2, 3].map((seed) => splitEnvironment({ ...captured, seed }));
  for (const [i, { skeleton, parts }] of splits.entries()) {
    assert.deepEqual([...parts.keys()], [...(splits[0]?.parts.keys() ?? [])]);
    assert.deepEqual(readEnvironment(skeleton, readerOf(parts)), { ...captured, seed: i + 1 } as JsonValue);
  }
});

test('an environment on a shared base stores a reference and its own keys; reading gives it back, keys in order', async () => {
  const base = { ...captured, command: ['python', 'train.py'], seed: null };
  const runs = [1, 2].map((seed) => onSharedBase(base, { seed }));
  const [first, second] = runs.map((environment) => splitEnvironment(environment));
  assert.ok(first && second);
  assert.deepEqual(Object.keys(first.skeleton as object), ['$base', 'seed']);
  assert.equal((first.skeleton as { $base: string }).$base, (second.skeleton as { $base: string }).$base);
  assert.deepEqual([...first.parts.keys()], [...second.parts.keys()]); // the base and its own parts: 3
  assert.equal(first.parts.size, 3);
  // The base's parts are asked for once its text is read.
  const asked: string[][] = [];
  const read = readEnvironment(second.skeleton, readerOf(second.parts, asked));
  assert.equal(JSON.stringify(read), JSON.stringify({ ...base, seed: 2 }));
  assert.deepEqual(
    asked.map((round) => round.length),
    [1, 2],
  );
  const reader = readerOf(first.parts);
  assert.deepEqual(await readEnvironmentAsync(first.skeleton, async (sha256s) => reader(sha256s)), { ...base, seed: 1 });
});

test('a missing part reads as null, a missing base as the own keys only', () => {
  const { skeleton } = splitEnvironment(onSharedBase(captured, { seed: 4 }));
  assert.deepEqual(
    readEnvironment(skeleton, () => new Map()),
    { seed: 4 },
  );
  const plain = splitEnvironment({ ...captured, seed: 5 });
  assert.deepEqual(
    readEnvironment(plain.skeleton, () => new Map()),
    { ...captured, python: { version: '3.11.7', packages: null }, git: { diff: null, dirty: true }, seed: 5 },
  );
});

test('short lists and strings are kept as they are', () => {
  const environment = { command: ['python', 'train.py'], cwd: '/p' };
  assert.deepEqual(splitEnvironment(environment), { skeleton: environment, parts: new Map() });
});
