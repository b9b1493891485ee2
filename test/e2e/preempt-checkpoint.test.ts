import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ObjectStore } from '../../src/track/object-store.js';
import { cli } from '../helpers/cli.js';
import { startLabbook } from '../helpers/labbook-process.js';
import { preemptibleTraining } from '../helpers/preemptible-training.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { PYTHON_FD3_REQUEST } from '../helpers/python-fd3.js';
import { waitUntil } from '../helpers/wait.js';

const STEPS = 30;
const TRAIN = preemptibleTraining(STEPS);

test("SIGTERM to a worker: a run that asks 'preempted' checkpoints and exits in the grace period, one that never asks gets SIGTERM at once; both go back without spending a retry and the next worker resumes them", async (t) => {
  const dir = await project(t, 'name: preempted\nparameters:\n  polls: [true, false]\ncommand: [python3, train.py]\nretries: 0\n');
  writeFileSync(join(dir, 'train.py'), TRAIN);
  const store = await projectStore(t, dir);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const runs = await store.listRuns({});
  const polling = runs.find((run) => run.params.polls === true)?.id as number;
  const signalled = runs.find((run) => run.params.polls === false)?.id as number;
  // A grace period far longer than the test: the worker ends only if the polling run exits by
  // itself, and the other is not kept waiting for it.
  const worker = startLabbook(t, dir, ['worker', '-j', '2', '--preempt-grace', '1h']);
  const stepsDone = async (id: number) => (await store.readMetrics(id, 'step_done')).at(-1)?.value ?? 0;
  await waitUntil(async () => (await stepsDone(polling)) >= 3 && (await stepsDone(signalled)) >= 3, {
    message: `three steps done by both runs (labbook said: ${worker.stderr()})`,
  });
  worker.child.kill('SIGTERM');
  await worker.exited;

  const objects = new ObjectStore(join(dir, '.labbook', 'objects'));
  const saved = new Map<number, number>();
  for (const [id, marker] of [
    [polling, 'asked'],
    [signalled, 'signalled'],
  ] as const) {
    const given = await store.getRun(id);
    assert.equal(given?.state, 'PENDING', `run ${id}: ${worker.stderr()}`);
    assert.equal(given?.failures, 0, 'no retry spent (the spec allows none)');
    assert.equal(given?.losses, 0, 'given back, not lost');
    const checkpoint = await store.getCheckpoint(id);
    assert.equal(checkpoint?.attempt, 1, `run ${id} checkpointed when it was told to stop`);
    const step = JSON.parse(readFileSync(objects.pathOf(checkpoint.sha256), 'utf8')).step as number;
    const runDir = join(dir, '.labbook', 'runs', String(id));
    assert.equal(readFileSync(join(runDir, marker), 'utf8'), String(step), `run ${id} checkpointed through its ${marker} path`);
    assert.ok(step >= 3, `run ${id} checkpointed at step ${step}`);
    saved.set(id, step);
  }
  assert.ok(!existsSync(join(dir, '.labbook', 'runs', String(polling), 'signalled')), 'the polling run was not signalled');

  const next = await cli(dir, ['worker', '-j', '2'], { env: processEnv() });
  assert.equal(next.code, 0, next.stderr);
  for (const id of [polling, signalled]) {
    const run = await store.getRun(id);
    assert.equal(run?.state, 'COMPLETED', `run ${id}`);
    assert.equal(run?.failures, 0);
    assert.equal(run?.attempt, 2);
    assert.deepEqual(run?.result, { resumed_from: saved.get(id) });
    const starts = readFileSync(join(dir, '.labbook', 'runs', String(id), 'starts'), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(starts, ['1 0', `2 ${saved.get(id)}`]);
    assert.deepEqual(
      (await store.listRunEvents(id)).map((event) => event.reason),
      ['enqueued', 'claimed', 'interrupted', 'claimed', 'completed'],
    );
  }
});

/** A function run that asks `preempted` after each step and, told so, checkpoints and returns. */
const FUNCTION = `
export const train = async (ctx) => {
  const state = (await ctx.restore()) ?? { step: 0 };
  const start = state.step;
  while (state.step < ${STEPS}) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    state.step += 1;
    ctx.log({ step_done: state.step }, state.step);
    if (await ctx.preempted()) {
      await ctx.checkpoint(state);
      return { preempted_at: state.step };
    }
  }
  return { resumed_from: start };
};
`;

test('SIGTERM to a worker: a function run told it is preempted checkpoints and returns, goes back to the queue, and the next worker resumes it', async (t) => {
  const dir = await project(t, 'name: preempted-function\nparameters:\n  x: [1]\nfunction: ./fn.mjs#train\nretries: 0\n');
  writeFileSync(join(dir, 'fn.mjs'), FUNCTION);
  const store = await projectStore(t, dir);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const worker = startLabbook(t, dir, ['worker', '--preempt-grace', '1h']);
  await waitUntil(async () => ((await store.readMetrics(1, 'step_done')).at(-1)?.value ?? 0) >= 3, {
    message: `three steps done (labbook said: ${worker.stderr()})`,
  });
  worker.child.kill('SIGTERM');
  await worker.exited;

  const given = await store.getRun(1);
  assert.equal(given?.state, 'PENDING', 'returned when told: given back, not COMPLETED');
  assert.equal(given?.failures, 0);
  assert.equal(given?.result, null);
  assert.equal((await store.getCheckpoint(1))?.attempt, 1);
  const saved = (await store.readMetrics(1, 'step_done')).at(-1)?.value as number;

  const next = await cli(dir, ['worker'], { env: processEnv() });
  assert.equal(next.code, 0, next.stderr);
  const run = await store.getRun(1);
  assert.equal(run?.state, 'COMPLETED');
  assert.equal(run?.attempt, 2);
  assert.deepEqual(run?.result, { resumed_from: saved });
});

/** A run that asks `preempted` but goes on when told (writing `told`), until it is signalled. */
const STUBBORN = String.raw`${PYTHON_FD3_REQUEST}
import time
while True:
    time.sleep(0.05)
    os.write(3, (json.dumps({'type': 'metrics', 'values': {'alive': 1}}) + '\n').encode())
    if request({'type': 'preempted'}):
        open(os.path.join(os.environ['LABBOOK_RUN_DIR'], 'told'), 'w').close()
`;

for (const [how, graceArgs, signals] of [
  ['its grace period is over', ['--preempt-grace', '1s'], 1],
  ['the worker gets a second SIGTERM', ['--preempt-grace', '1h'], 2],
] as const) {
  test(`a run that was told it is preempted and goes on is stopped when ${how}, and goes back to the queue`, async (t) => {
    const dir = await project(t, 'name: stubborn\nparameters:\n  x: [1]\ncommand: [python3, stubborn.py]\nretries: 0\n');
    writeFileSync(join(dir, 'stubborn.py'), STUBBORN);
    const store = await projectStore(t, dir);
    assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
    const worker = startLabbook(t, dir, ['worker', ...graceArgs]);
    await waitUntil(async () => (await store.readMetrics(1, 'alive')).length > 0, { message: `the run to start (${worker.stderr()})` });
    worker.child.kill('SIGTERM');
    const told = join(dir, '.labbook', 'runs', '1', 'told');
    await waitUntil(async () => existsSync(told), { message: 'the run to be told' });
    if (signals === 2) worker.child.kill('SIGTERM');
    await worker.exited;
    const run = await store.getRun(1);
    assert.equal(run?.state, 'PENDING', worker.stderr());
    assert.equal(run?.failures, 0);
    assert.equal(run?.losses, 0);
  });
}

// A scheduler's cancel signals the job's every process: a run may die of it before its worker
// hears its own. The run below exits as a shell killed by SIGTERM does (143), and the worker gets
// its SIGTERM ~20 ms later. (Had it come first, the worker would have stopped the run: the same
// outcome. The code before the fix failed the run when the run's end came first.)
const KILLED_WITH_ITS_WORKER = `if [ -f ran-once ]; then exit 0; fi
touch ran-once exiting
exit 143
`;

test('a run killed by the signal that stops its worker, just before the worker hears it, goes back without spending a retry', async (t) => {
  const dir = await project(t, 'name: cancelled\nparameters:\n  x: [1]\ncommand: [sh, killed.sh]\nretries: 0\n');
  writeFileSync(join(dir, 'killed.sh'), KILLED_WITH_ITS_WORKER);
  const store = await projectStore(t, dir);
  const worker = startLabbook(t, dir, ['run', 'sweep.yaml']);
  await waitUntil(() => existsSync(join(dir, 'exiting')), { intervalMs: 5, message: `the run to exit (${worker.stderr()})` });
  await delay(20);
  worker.child.kill('SIGTERM');
  await worker.exited;
  const given = await store.getRun(1);
  assert.equal(given?.state, 'PENDING', worker.stderr());
  assert.equal(given?.failures, 0, 'no retry spent');
  assert.equal(given?.losses, 0);

  const again = await cli(dir, ['run', 'sweep.yaml']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await store.getRun(1))?.state, 'COMPLETED');
});
