import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { type TestContext, test } from 'node:test';
import { systemClock } from '../../../src/queue/clock.js';
import { Queue } from '../../../src/queue/queue.js';
import { Executors } from '../../../src/runner/executors.js';
import { trackingOf } from '../../../src/runner/run-tracking.js';
import { Worker } from '../../../src/runner/worker.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import type { SqliteStore } from '../../../src/store/index.js';
import { openTempStore } from '../../helpers/provenance.js';
import { waitUntil } from '../../helpers/wait.js';

/** A worker of two slots on `store`, with the process launcher for its commands. */
function twoSlotWorker(t: TestContext, store: SqliteStore, options: { pollMs?: number } = {}): Worker {
  const cwd = store.dataDir;
  const executors = new Executors({ cwd, env: process.env, storeDir: store.reference, slots: 2, now: () => Date.now() });
  t.after(() => executors.close());
  return new Worker(new Queue(store), trackingOf(store, systemClock), executors, {
    host: hostname(),
    pid: process.pid,
    slots: 2,
    cwd,
    ...options,
  });
}

test('once a claim drains the queue, the runs that end do not each claim again; one last claim ends the sweep', async (t) => {
  const store = openTempStore(t);
  await new Queue(store).enqueue(defineExperiment({ name: 'short', parameters: { i: 'range(24)' }, command: ['true'] }));
  const claims: number[] = [];
  const claimRuns = store.claimRuns.bind(store);
  store.claimRuns = async (request) => {
    const runs = await claimRuns(request);
    claims.push(runs.length);
    return runs;
  };
  const report = await twoSlotWorker(t, store).run();
  assert.equal(report.completed, 24);
  assert.equal(
    claims.reduce((a, b) => a + b, 0),
    24,
  );
  assert.ok(claims.filter((count) => count === 0).length <= 1, `claims: ${claims.join(', ')}`);
});

test('runs queued by another process while a long run goes on fill a free slot within a poll interval', async (t) => {
  const store = openTempStore(t);
  const other = new Queue(store);
  await other.enqueue(defineExperiment({ name: 'first', parameters: { s: [0, 30] }, command: ['sleep', '{s}'] }));
  const worker = twoSlotWorker(t, store, { pollMs: 200 });
  const running = worker.run();
  try {
    // The short run ended and the queue was drained: only the 30 s run goes on, one slot is free.
    await waitUntil(async () => (await store.countRuns({ states: ['COMPLETED'] }))[0]?.count === 1, { message: 'the short run completed' });
    await other.enqueue(defineExperiment({ name: 'late', parameters: { i: [0] }, command: ['true'] }));
    await waitUntil(async () => (await store.countRuns({ experiments: ['late'], states: ['COMPLETED'] }))[0]?.count === 1, {
      message: 'the run queued later completed',
      timeoutMs: 20_000,
    });
    const [long] = await store.listRuns({ experiments: ['first'], states: ['RUNNING'] });
    assert.ok(long, 'the long run still runs: the late one did not wait for it to end');
  } finally {
    worker.interrupt(true);
    await running;
  }
});
