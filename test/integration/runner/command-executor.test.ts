import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { systemClock } from '../../../src/queue/clock.js';
import { Queue } from '../../../src/queue/queue.js';
import { CommandExecutor } from '../../../src/runner/command-executor.js';
import type { Execution } from '../../../src/runner/executor.js';
import { trackingOf } from '../../../src/runner/run-tracking.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { openTempStore } from '../../helpers/provenance.js';

/**
 * A command executor with one slot, and `start(i)` to hand it run `i` of two, which touches
 * `ran.{i}` and sleeps its seconds: the second waits in the launcher for the first.
 */
async function oneSlot(t: TestContext, [firstSeconds, secondSeconds]: [number, number]) {
  const store = openTempStore(t);
  const queue = new Queue(store);
  const defined = defineExperiment({
    name: 'waiting',
    parameters: { i: 'range(2)' },
    command: ['sh', '-c', `touch ran.{i}; case {i} in 0) sleep ${firstSeconds};; *) sleep ${secondSeconds};; esac`],
  });
  await queue.enqueue(defined);
  const { spec } = defined;
  const runs = await queue.claim('w', 2);
  const cwd = store.dataDir;
  mkdirSync(join(cwd, 'runs')); // as a worker does: the launcher makes each run's directory in it
  const executor = CommandExecutor.create({ cwd, env: process.env, storeDir: store.reference, now: () => Date.now() }, 1);
  t.after(() => executor.close());
  const tracking = trackingOf(store, systemClock);
  const metrics = tracking.metricBatcher((error) => assert.fail(String(error)));
  const start = (i: number): Execution => {
    const run = runs.find((r) => r.params.i === i);
    assert.ok(run);
    const runDir = tracking.runDirectory(run.id);
    return executor.start({ run, spec, runDir, recorder: tracking.recorder(metrics, run.id, run.attempt, runDir) });
  };
  return { start, ran: (i: number) => existsSync(join(cwd, `ran.${i}`)) };
}

/** Blocks the event loop until `condition` holds: nothing the launcher said meanwhile is read. */
function blockUntil(condition: () => boolean): void {
  for (const end = Date.now() + 10_000; !condition(); ) if (Date.now() > end) assert.fail('timed out');
}

test('a run withdrawn while it waits in the launcher ends not started, and never runs', async (t) => {
  const { start, ran } = await oneSlot(t, [0.3, 0]);
  const first = start(0);
  const second = start(1);
  second.withdraw();
  assert.equal((await first.ended).ok, true);
  const end = await second.ended;
  assert.equal(end.ok === false && end.notStarted, true, JSON.stringify(end));
  assert.equal(ran(1), false);
});

/** The second of two runs, once the launcher started it as the first exited, its "started" not read yet. */
async function startedUnheard(t: TestContext, seconds: number): Promise<Execution> {
  const { start, ran } = await oneSlot(t, [0.1, seconds]);
  const first = start(0);
  const second = start(1);
  await first.begun;
  blockUntil(() => ran(1));
  return second;
}

test('a run withdrawn after the launcher started it, before the executor heard, runs to its end', async (t) => {
  const second = await startedUnheard(t, 0.3);
  second.withdraw();
  assert.deepEqual(await second.ended, { ok: true, result: null, exitCode: 0 });
});

test('a run stopped after the launcher started it, before the executor heard, is terminated', async (t) => {
  const second = await startedUnheard(t, 30);
  second.stop('interrupt');
  const end = await second.ended;
  assert.equal(end.ok, false);
  assert.equal(end.ok === false && end.notStarted, undefined, 'it had started');
});
