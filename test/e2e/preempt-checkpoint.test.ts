import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ObjectStore } from '../../src/track/object-store.js';
import { cli } from '../helpers/cli.js';
import { startLabbook } from '../helpers/labbook-process.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { PYTHON_FD3_REQUEST } from '../helpers/python-fd3.js';
import { waitUntil } from '../helpers/wait.js';

const STEPS = 30;

/**
 * Training over the raw fd-3 protocol that restores its latest checkpoint when it starts. With
 * `polls`, it asks `preempted` after each step and, told so, checkpoints and exits with status 0
 * (`asked` records the step); without, it checkpoints in its SIGTERM handler as scripts written
 * before the request did (`signalled` records the step). Nothing else checkpoints.
 */
const TRAIN = String.raw`${PYTHON_FD3_REQUEST}
import signal, time
run_dir = os.environ['LABBOOK_RUN_DIR']
polls = json.loads(os.environ['LABBOOK_PARAMS'])['polls']
step = 0

def checkpoint(marker):
    path = os.path.join(run_dir, 'state.json')
    with open(path, 'w') as f:
        json.dump({'step': step}, f)
    request({'type': 'checkpoint', 'path': path})
    with open(os.path.join(run_dir, marker), 'w') as f:
        f.write(str(step))

def on_sigterm(signum, frame):
    checkpoint('signalled')
    sys.exit(143)

signal.signal(signal.SIGTERM, on_sigterm)
restored = request({'type': 'restore'})
if restored is not None:
    with open(restored['path']) as f:
        step = json.load(f)['step']
start = step
while step < ${STEPS}:
    time.sleep(0.1)
    step += 1
    os.write(3, (json.dumps({'type': 'metrics', 'values': {'step_done': step}, 'step': step}) + '\n').encode())
    if polls and request({'type': 'preempted'}):
        checkpoint('asked')
        sys.exit(0)
os.write(3, (json.dumps({'type': 'result', 'value': {'resumed_from': start}}) + '\n').encode())
`;

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
