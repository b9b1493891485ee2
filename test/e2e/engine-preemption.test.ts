import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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
 * Training that checkpoints only when it is told to stop (SIGTERM, as a scheduler's cancel,
 * time limit or preemption sends it): a checkpoint in the store proves it was asked and had
 * the time to answer. It restores the latest checkpoint when it starts; `starts` records
 * (attempt, first step) of each attempt.
 */
const TRAIN = String.raw`${PYTHON_FD3_REQUEST}
import signal, time
run_dir = os.environ['LABBOOK_RUN_DIR']
step = 0

def checkpoint_and_stop(signum, frame):
    path = os.path.join(run_dir, 'state.json')
    with open(path, 'w') as f:
        json.dump({'step': step}, f)
    request({'type': 'checkpoint', 'path': path})
    sys.exit(143)

signal.signal(signal.SIGTERM, checkpoint_and_stop)
restored = request({'type': 'restore'})
if restored is not None:
    with open(restored['path']) as f:
        step = json.load(f)['step']
with open(os.path.join(run_dir, 'starts'), 'a') as f:
    f.write('%s %d\n' % (os.environ['LABBOOK_ATTEMPT'], step))
start = step
while step < ${STEPS}:
    time.sleep(0.1)
    step += 1
    os.write(3, (json.dumps({'type': 'metrics', 'values': {'step_done': step}, 'step': step}) + '\n').encode())
os.write(3, (json.dumps({'type': 'result', 'value': {'resumed_from': start}}) + '\n').encode())
`;

test('SIGTERM to a worker: its run checkpoints, goes back to the queue without spending a retry, and the next worker resumes it', async (t) => {
  const dir = await project(t, 'name: preempted\nparameters:\n  x: [1]\ncommand: [python3, train.py]\nretries: 0\n');
  writeFileSync(join(dir, 'train.py'), TRAIN);
  const store = await projectStore(t, dir);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const worker = startLabbook(t, dir, ['worker']);
  await waitUntil(async () => ((await store.readMetrics(1, 'step_done')).at(-1)?.value ?? 0) >= 3, {
    message: `three steps done (labbook said: ${worker.stderr()})`,
  });
  worker.child.kill('SIGTERM');
  await worker.exited;

  const given = await store.getRun(1);
  assert.equal(given?.state, 'PENDING', worker.stderr());
  assert.equal(given?.failures, 0, 'no retry spent (the spec allows none)');
  assert.equal(given?.losses, 0, 'given back, not lost');
  const checkpoint = await store.getCheckpoint(1);
  assert.equal(checkpoint?.attempt, 1, 'the run checkpointed when it was told to stop');
  const objects = new ObjectStore(join(dir, '.labbook', 'objects'));
  const saved = JSON.parse(readFileSync(objects.pathOf(checkpoint.sha256), 'utf8')).step as number;
  assert.ok(saved >= 3, `checkpointed at step ${saved}`);

  const next = await cli(dir, ['worker'], { env: processEnv() });
  assert.equal(next.code, 0, next.stderr);
  const run = await store.getRun(1);
  assert.equal(run?.state, 'COMPLETED');
  assert.equal(run?.failures, 0);
  assert.deepEqual(run?.result, { resumed_from: saved });
  const starts = readFileSync(join(dir, '.labbook', 'runs', '1', 'starts'), 'utf8')
    .trim()
    .split('\n');
  assert.deepEqual(starts, ['1 0', `2 ${saved}`]);
  assert.deepEqual(
    (await store.listRunEvents(1)).map((event) => event.reason),
    ['enqueued', 'claimed', 'interrupted', 'claimed', 'completed'],
  );
});
