import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinSpans, spanOfPoint } from '../../../src/store/series-spans.js';
import { m4 } from '../../../src/track/downsample.js';

const wave = (i: number) => Math.sin(i / 5000) + (i % 977) / 977;

test('M4 of a million points keeps a spike of one point, the ends, and at most 4 points a bucket, in order', () => {
  const total = 1_000_000;
  const spans = Array.from({ length: total }, (_, i) => spanOfPoint(i, i, i === 654_321 ? 50 : wave(i), i));
  const kept = m4(spans, total, 500);
  assert.ok(kept.length <= 2000 && kept.length >= 1500, `${kept.length} points`);
  assert.deepEqual([kept[0]?.position, kept.at(-1)?.position], [0, total - 1]);
  assert.deepEqual(
    kept.filter((p) => p.value === 50).map((p) => p.position),
    [654_321],
    'the spike',
  );
  const positions = kept.map((p) => p.position);
  assert.deepEqual(
    positions,
    [...new Set(positions)].sort((a, b) => a - b),
  );
});

test('M4 from blocks draws the same points as from the points the blocks hold', () => {
  const total = 12_800; // 25 buckets of 4 blocks
  const points = Array.from({ length: total }, (_, i) => spanOfPoint(i, i, i % 61 === 0 ? null : wave(i * 97), i));
  const blocks = [];
  for (let start = 0; start < total; start += 128)
    blocks.push(
      points
        .slice(start, start + 128)
        .map((p) => ({ ...p }))
        .reduce(joinSpans),
    );
  assert.deepEqual(m4(blocks, total, 25), m4(points, total, 25));
});

test('a bucket without a finite value draws nothing; a series shorter than its buckets is kept whole', () => {
  const spans = [spanOfPoint(0, 0, 1, 0), spanOfPoint(1, 1, null, 1), spanOfPoint(2, null, 3, 2)];
  assert.deepEqual(
    m4(spans, 3, 3).map((p) => [p.position, p.step, p.value]),
    [
      [0, 0, 1],
      [2, null, 3],
    ],
  );
});
