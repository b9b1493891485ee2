import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LeaseLostError } from '../../../src/errors.js';
import { ManualClock } from '../../../src/queue/clock.js';
import { Queue } from '../../../src/queue/queue.js';
import { resolveRun } from '../../../src/queue/run-ref.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

function setup(t: import('node:test').TestContext) {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  const clock = new ManualClock();
  return { store, clock, queue: new Queue(store, { clock, leaseMs: 10_000 }) };
}

const spec = (retries = 0) => defineExperiment({ name: 'q', parameters: { a: [1, 2, 3] }, retries });

test('enqueue saves the experiment spec and reports the counts', async (t) => {
  const { queue, store } = setup(t);
  const { experiment, counts } = await queue.enqueue(spec());
  assert.equal(counts.added, 3);
  assert.equal((await store.getExperiment('q'))?.id, experiment.id);
  assert.deepEqual((await store.getExperiment('q'))?.spec, spec().raw);
  assert.equal((await queue.enqueue(spec())).counts.added, 0);
});

test('the retries of the spec are the retries of its runs', async (t) => {
  const { queue } = setup(t);
  await queue.enqueue(spec(2));
  const [run] = await queue.claim('w', 1);
  assert.equal(run?.retries, 2);
});

test('a lease that is not renewed expires and the next claim gets the run again', async (t) => {
  const { queue, clock, store } = setup(t);
  await queue.enqueue(defineExperiment({ name: 'one', parameters: { a: [1] } }));
  const [first] = await queue.claim('w1', 1);
  clock.advance(9_000);
  assert.deepEqual(await queue.heartbeat('w1', [first!.id]), []);
  clock.advance(9_000);
  assert.deepEqual(await queue.claim('w2', 1), [], 'the renewed lease still holds');
  clock.advance(10_001);
  const [again] = await queue.claim('w2', 1);
  assert.equal(again?.id, first?.id);
  assert.equal(again?.attempt, 2);
  assert.equal(again?.losses, 1);
  const events = await store.listRunEvents(first!.id);
  assert.deepEqual(
    events.map((e) => e.reason),
    ['enqueued', 'claimed', 'worker lost', 'claimed'],
  );
  await assert.rejects(queue.complete({ runId: first!.id, workerId: 'w1', attempt: 1 }, 'late'), LeaseLostError);
  assert.equal(await queue.complete({ runId: again!.id, workerId: 'w2', attempt: 2 }, 'ok'), 'COMPLETED');
});

test('heartbeat reports runs cancelled meanwhile', async (t) => {
  const { queue } = setup(t);
  await queue.enqueue(spec());
  const runs = await queue.claim('w', 2);
  await queue.cancel({ ids: [runs[1]!.id] });
  assert.deepEqual(
    await queue.heartbeat(
      'w',
      runs.map((r) => r.id),
    ),
    [runs[1]!.id],
  );
});

test('fail returns PENDING while retries remain and FAILED after', async (t) => {
  const { queue } = setup(t);
  await queue.enqueue(defineExperiment({ name: 'r', parameters: { a: [1] }, retries: 1 }));
  const [a1] = await queue.claim('w', 1);
  assert.equal(await queue.fail({ runId: a1!.id, workerId: 'w', attempt: 1 }, 'error', 'boom', 1), 'PENDING');
  const [a2] = await queue.claim('w', 1);
  assert.equal(await queue.fail({ runId: a2!.id, workerId: 'w', attempt: 2 }, 'error', 'boom', 1), 'FAILED');
  assert.deepEqual(await queue.claim('w', 1), []);
});

test('release gives a run back without counting a failure', async (t) => {
  const { queue, store } = setup(t);
  await queue.enqueue(spec());
  const [run] = await queue.claim('w', 1);
  assert.equal(await queue.release({ runId: run!.id, workerId: 'w', attempt: 1 }), 'PENDING');
  assert.equal((await store.getRun(run!.id))?.failures, 0);
});

test('runs are found by id or by hash prefix', async (t) => {
  const { queue, store } = setup(t);
  await queue.enqueue(spec());
  const run = (await store.listRuns({}))[1]!;
  assert.equal((await resolveRun(store, String(run.id))).id, run.id);
  assert.equal((await resolveRun(store, run.hash.slice(0, 10))).id, run.id);
  await assert.rejects(resolveRun(store, 'zzz'), /no run 'zzz'/);
  await assert.rejects(resolveRun(store, '999'), /no run '999'. Give a run id/);
});
