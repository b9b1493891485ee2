import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MetricPoint } from '../../../src/domain/index.js';
import { metricSeries } from '../../../src/engine/run-views.js';
import { METRIC_BLOCK_SIZE } from '../../../src/store/rows/metric-blocks.js';
import type { MetricColumns, PlacedPoint, SeriesSpan } from '../../../src/store/series-store.js';
import type { Store } from '../../../src/store/types.js';
import type { StoreFactory } from './store-conformance.js';

const T0 = Date.UTC(2026, 0, 1);

async function runningRun(store: Store): Promise<number> {
  const experiment = await store.saveExperiment('exp', { name: 'exp' }, T0);
  await store.enqueueRuns(experiment.id, [[{ paramsJson: '{}', hash: 'a'.repeat(64) }]], { now: T0, retries: 0 });
  const [run] = await store.claimRuns({ workerId: 'w1', limit: 1, now: T0, leaseExpiresAt: T0 + 60_000 });
  assert.ok(run);
  return run.id;
}

/** The blocks of a series worked out point by point, without the fold the store uses. */
function expectedBlocks({ steps, values, at }: MetricColumns): SeriesSpan[] {
  const blocks: SeriesSpan[] = [];
  for (let start = 0; start < at.length; start += METRIC_BLOCK_SIZE) {
    const finite: PlacedPoint[] = [];
    const end = Math.min(start + METRIC_BLOCK_SIZE, at.length);
    for (let i = start; i < end; i++) {
      const value = values[i];
      if (value !== null && value !== undefined) finite.push({ position: i, step: steps[i] ?? null, value, at: at[i] as number });
    }
    const lowest = Math.min(...finite.map((p) => p.value));
    const highest = Math.max(...finite.map((p) => p.value));
    blocks.push({
      start,
      count: end - start,
      first: finite[0] ?? null,
      min: finite.find((p) => p.value === lowest) ?? null,
      max: finite.find((p) => p.value === highest) ?? null,
      last: finite.at(-1) ?? null,
    });
  }
  return blocks;
}

/** `count` points of `key` from step `from`: a wave, with a non-finite value every 50 steps. */
function wave(key: string, from: number, count: number): MetricPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const step = from + i;
    return { key, step, value: step % 50 === 7 ? null : Math.sin(step / 9) + (step % 3), at: T0 + step };
  });
}

/**
 * Rows of a store of schema 7, before blocks, as SQL both backends run: run 1 logged `loss` in
 * attempt 1, then again in attempt 2 (which its summary follows), and `acc` in attempt 1,
 * interleaved, with non-finite values.
 */
export function seriesOfSchema7(): string {
  const rows: string[] = [];
  const value = (step: number) => (step % 50 === 7 ? 'NULL' : String(Math.sin(step / 9) + (step % 3)));
  for (let step = 0; step < 150; step++) rows.push(`(1, 1, 'loss', ${step}, ${T0 + step}, ${value(step)})`);
  for (let step = 0; step < 300; step++) {
    rows.push(`(1, 2, 'loss', ${step}, ${T0 + step}, ${value(step + 1)})`);
    if (step % 3 < 2) rows.push(`(1, 1, 'acc', ${step}, ${T0 + step}, ${value(step + 2)})`);
  }
  return `INSERT INTO experiments (id, name, spec, created_at, updated_at) VALUES (1, 'exp', '{}', ${T0}, ${T0});
    INSERT INTO runs (id, experiment_id, hash, params, state, attempt, created_at, queued_at) VALUES (1, 1, 'h', '{}', 'RUNNING', 2, ${T0}, ${T0});
    INSERT INTO metrics (run_id, attempt, key, step, at, value) VALUES ${rows.join(', ')};
    INSERT INTO metric_summaries (run_id, key, attempt, count, updated_at) VALUES (1, 'loss', 2, 300, ${T0}), (1, 'acc', 1, 200, ${T0});`;
}

/** After the upgrade from seriesOfSchema7: the blocks are those of the points the summaries follow. */
export async function assertBlocksFilled(store: Store): Promise<void> {
  for (const [key, blocks] of [
    ['loss', 3],
    ['acc', 2],
  ] as const) {
    const columns = await store.readMetricColumns(1, key);
    assert.equal(columns.at.length, key === 'loss' ? 300 : 200);
    const filled = await store.readMetricBlocks(1, key);
    assert.equal(filled.length, blocks);
    assert.deepEqual(filled, expectedBlocks(columns), key);
  }
}

/** Spans of stored blocks are what the dashboard charts long series from: they must match the points at every batch. */
export function describeSeriesConformance(backend: string, makeStore: StoreFactory): void {
  describe(`Series conformance: ${backend}`, () => {
    test('blocks follow the points batch by batch, across block ends, keys and non-finite values', async (t) => {
      const store = await makeStore(t);
      const run = await runningRun(store);
      let step = 0;
      for (const size of [1, 7, 120, 1, 300, 130, 62]) {
        await store.appendMetrics(run, 1, [...wave('loss', step, size), ...wave('acc', step, Math.ceil(size / 2))]);
        step += size;
        for (const key of ['loss', 'acc']) {
          assert.deepEqual(
            await store.readMetricBlocks(run, key),
            expectedBlocks(await store.readMetricColumns(run, key)),
            `${key} after ${step} steps`,
          );
        }
      }
      const allNull = Array.from({ length: 3 }, (_, i) => ({ key: 'nan', step: i, value: null, at: T0 }));
      await store.appendMetrics(run, 1, allNull);
      assert.deepEqual(await store.readMetricBlocks(run, 'nan'), [{ start: 0, count: 3, first: null, min: null, max: null, last: null }]);
      assert.deepEqual(await store.readMetricBlocks(run, 'nope'), []);
    });

    test('blocks are those of the attempt the summary follows; late points of an older attempt leave them be', async (t) => {
      const store = await makeStore(t);
      const run = await runningRun(store);
      await store.appendMetrics(run, 1, wave('loss', 0, 200));
      await store.appendMetrics(run, 2, wave('loss', 0, 10));
      await store.appendMetrics(run, 1, wave('loss', 200, 5));
      const blocks = await store.readMetricBlocks(run, 'loss');
      assert.deepEqual(blocks, expectedBlocks(await store.readMetricColumns(run, 'loss')));
      assert.deepEqual(
        blocks.map((b) => [b.start, b.count]),
        [[0, 10]],
      );
    });

    test('a long series is charted with M4: its ends and a one-point spike and dip are drawn, from blocks or from points', async (t) => {
      const store = await makeStore(t);
      const run = await runningRun(store);
      const total = 20_000;
      const points = wave('loss', 0, total).map((p) =>
        p.step === 12_345 ? { ...p, value: 1000 } : p.step === 4_321 ? { ...p, value: -1000 } : p,
      );
      for (let start = 0; start < total; start += 5_000) await store.appendMetrics(run, 1, points.slice(start, start + 5_000));
      // 40 points: 10 buckets, coarser than the blocks (read from them); 2,000: 500 buckets, read from the points.
      for (const maxPoints of [40, 2000]) {
        const series = await metricSeries(store, run, 'loss', maxPoints);
        assert.equal(series.total, total);
        assert.equal(series.downsampled, true);
        assert.ok(series.points.length <= maxPoints && series.points.length > maxPoints / 2, `${series.points.length} of ${maxPoints}`);
        const steps = series.points.map((p) => p.step as number);
        assert.deepEqual(
          steps,
          [...steps].sort((a, b) => a - b),
          'in order',
        );
        assert.deepEqual([steps[0], steps.at(-1)], [0, total - 1], 'the ends');
        assert.deepEqual(
          series.points.filter((p) => Math.abs(p.value as number) === 1000).map((p) => [p.step, p.value]),
          [
            [4_321, -1000],
            [12_345, 1000],
          ],
          'the dip and the spike',
        );
      }
      const whole = await metricSeries(store, run, 'loss', 100_000);
      assert.deepEqual([whole.downsampled, whole.points.length, whole.points[7]?.value], [false, total, null]);
    });
  });
}
