import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Queue } from '../../../src/queue/queue.js';
import { OutcomeWriter } from '../../../src/runner/outcome-writer.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { openTempStore } from '../../helpers/provenance.js';

/** A queue of a new store with `count` runs claimed by worker `w`. */
async function claimed(t: import('node:test').TestContext, count: number) {
  const store = openTempStore(t);
  const queue = new Queue(store);
  await queue.enqueue(defineExperiment({ name: 'e', parameters: { i: `range(${count})` }, command: ['true'] }));
  return { queue, runs: await queue.claim('w', count) };
}

const done = (run: { id: number; attempt: number }) => ({
  lease: { runId: run.id, workerId: 'w', attempt: run.attempt },
  outcome: { kind: 'completed' as const, result: run.id },
});

test('outcomes wait a moment to share a transaction; the last one executing is written at once', { timeout: 10_000 }, async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { queue, runs } = await claimed(t, 3);
  const [first, second, last] = runs;
  assert.ok(first && second && last);
  const writer = new OutcomeWriter(queue);
  let written = false;
  const waiting = Promise.all([writer.write(done(first)), writer.write(done(second))]).then((states) => {
    written = true;
    return states;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(written, false, 'the batch waits for the window');
  assert.equal((await queue.store.getRun(first.id))?.state, 'RUNNING');
  // The last run's outcome goes at once, and takes the waiting ones with it: no timer is needed.
  assert.equal(await writer.write(done(last), true), 'COMPLETED');
  assert.deepEqual(await waiting, ['COMPLETED', 'COMPLETED']);
  for (const run of runs) assert.equal((await queue.store.getRun(run.id))?.state, 'COMPLETED');
});
