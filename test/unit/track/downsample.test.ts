import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lttbIndices } from '../../../src/track/downsample.js';

test('LTTB keeps the first and last points and the extremes of each bucket', () => {
  const points = Array.from({ length: 1000 }, (_, x) => ({ x, y: x === 500 ? 100 : x === 250 ? -100 : Math.sin(x / 50) }));
  const kept = lttbIndices(points, 50);
  assert.equal(kept.length, 50);
  assert.equal(kept[0], 0);
  assert.equal(kept.at(-1), 999);
  assert.ok(kept.includes(500) && kept.includes(250), 'the spike and the dip survive');
  assert.deepEqual(
    kept,
    [...kept].sort((a, b) => a - b),
  );
});

test('a series no longer than the threshold is kept whole', () => {
  const points = [
    { x: 0, y: 1 },
    { x: 1, y: 2 },
    { x: 2, y: 3 },
  ];
  assert.deepEqual(lttbIndices(points, 3), [0, 1, 2]);
  assert.deepEqual(lttbIndices(points, 10), [0, 1, 2]);
});
