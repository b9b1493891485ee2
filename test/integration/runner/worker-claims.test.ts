import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { systemClock } from '../../../src/queue/clock.js';
import { Queue } from '../../../src/queue/queue.js';
import { Executors } from '../../../src/runner/executors.js';
import { trackingOf } from '../../../src/runner/run-tracking.js';
import { Worker } from '../../../src/runner/worker.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { openTempStore } from '../../helpers/provenance.js';

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
  const cwd = store.dataDir;
  const executors = new Executors({ cwd, env: process.env, storeDir: store.reference, slots: 2, now: () => Date.now() });
  t.after(() => executors.close());
  const worker = new Worker(new Queue(store), trackingOf(store, systemClock), executors, {
    host: hostname(),
    pid: process.pid,
    slots: 2,
    cwd,
  });
  const report = await worker.run();
  assert.equal(report.completed, 24);
  assert.equal(
    claims.reduce((a, b) => a + b, 0),
    24,
  );
  assert.ok(claims.filter((count) => count === 0).length <= 1, `claims: ${claims.join(', ')}`);
});
