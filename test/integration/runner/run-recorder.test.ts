import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../../src/queue/clock.js';
import { Queue } from '../../../src/queue/queue.js';
import { trackingOf } from '../../../src/runner/run-tracking.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { openTempStore } from '../../helpers/provenance.js';

/** Recorders of two claimed runs of a new store, sharing one metric batcher, as a worker's runs do. */
async function twoRecorders(t: import('node:test').TestContext) {
  const store = openTempStore(t);
  const queue = new Queue(store);
  await queue.enqueue(defineExperiment({ name: 'e', parameters: { i: 'range(2)' }, command: ['true'] }));
  const runs = await queue.claim('w', 2);
  const tracking = trackingOf(store, systemClock);
  const metrics = tracking.metricBatcher((error) => assert.fail(String(error)));
  const [first, second] = runs.map((run) => tracking.recorder(metrics, run.id, run.attempt, tracking.runDirectory(run.id)));
  assert.ok(first && second);
  return { store, metrics, first, second, ids: runs.map((run) => run.id) };
}

test('a recorder is idle (close has nothing to do) only when nothing of its run waits to be stored', async (t) => {
  const { store, metrics, first, second, ids } = await twoRecorders(t);
  assert.equal(first.idle, true, 'a run that sent nothing');
  first.metrics([{ key: 'loss', step: 0, value: 1, at: 1 }]);
  assert.equal(first.idle, false, 'a point buffered');
  assert.equal(second.idle, true, "another run's buffer is not this run's");
  const flushing = metrics.flushAll();
  assert.equal(second.idle, false, 'a write under way may hold points of any run');
  await flushing;
  assert.equal(first.idle, true);
  assert.equal((await store.readMetrics(ids[0] as number, 'loss')).length, 1);
  second.log('info', 'a note');
  assert.equal(second.idle, false, 'its log file is open');
  await second.close();
  assert.equal(second.idle, true);
});
