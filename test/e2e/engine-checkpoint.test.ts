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

const STEPS = 8;

/**
 * Training that survives crashes: restores its step from the latest checkpoint, then
 * checkpoints after every step. `starts` records (attempt, first step) of each attempt.
 */
const TRAIN = String.raw`${PYTHON_FD3_REQUEST}
import time
run_dir = os.environ['LABBOOK_RUN_DIR']

restored = request({'type': 'restore'})
start = 0
if restored is not None:
    with open(restored['path']) as f:
        start = json.load(f)['step']
with open(os.path.join(run_dir, 'starts'), 'a') as f:
    f.write('%s %d\n' % (os.environ['LABBOOK_ATTEMPT'], start))
for step in range(start, ${STEPS}):
    time.sleep(float(sys.argv[1]))
    path = os.path.join(run_dir, 'state.json')
    with open(path, 'w') as f:
        json.dump({'step': step + 1}, f)
    request({'type': 'checkpoint', 'path': path})
    os.write(3, (json.dumps({'type': 'metrics', 'values': {'step_done': step + 1}, 'step': step}) + '\n').encode())
os.write(3, (json.dumps({'type': 'result', 'value': {'steps': ${STEPS}, 'resumed_from': start}}) + '\n').encode())
`;

test('after kill -9 of labbook run, the next attempt restores the checkpoint and completes', async (t) => {
  const dir = await project(
    t,
    `name: resumable
parameters:
  x: [1]
command: [python3, train.py, '0.3']
`,
  );
  writeFileSync(join(dir, 'train.py'), TRAIN);
  const store = await projectStore(t, dir);
  const objects = new ObjectStore(join(dir, '.labbook', 'objects'));
  const first = startLabbook(t, dir, ['run', 'sweep.yaml', '--lease', '2s']);
  const checkpointed = await waitUntil(
    async () => {
      const checkpoint = await store.getCheckpoint(1);
      return checkpoint && JSON.parse(readFileSync(objects.pathOf(checkpoint.sha256), 'utf8')).step >= 2 && checkpoint;
    },
    { message: `two steps checkpointed (labbook said: ${first.stderr()})` },
  );
  assert.equal(checkpointed.attempt, 1);
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await cli(dir, ['run', 'sweep.yaml', '--lease', '2s'], { env: processEnv() });
  assert.equal(second.code, 0, second.stderr);
  const run = await store.getRun(1);
  assert.equal(run?.state, 'COMPLETED');
  assert.equal(run?.attempt, 2);
  const starts = readFileSync(join(dir, '.labbook', 'runs', '1', 'starts'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(starts[0], '1 0');
  const [attempt, restoredStep] = (starts[1] ?? '').split(' ').map(Number);
  assert.equal(attempt, 2);
  assert.ok(restoredStep! >= 2, `the second attempt started from step ${restoredStep}, not from scratch`);
  assert.deepEqual(run?.result, { steps: STEPS, resumed_from: restoredStep });
  const series = await store.readMetrics(1, 'step_done');
  assert.deepEqual(
    series.map((p) => p.value),
    Array.from({ length: STEPS - restoredStep! }, (_, i) => restoredStep! + i + 1),
    'the metrics of the run are those of its last attempt',
  );
  assert.equal((await store.getCheckpoint(1))?.attempt, 2);
  assert.deepEqual(
    (await store.listRunEvents(1)).map((e) => e.reason),
    ['enqueued', 'claimed', 'worker lost', 'claimed', 'completed'],
  );
});

test('a retry after a failure restores the checkpoint of the failed attempt', async (t) => {
  const dir = await project(
    t,
    `name: crashy
parameters:
  x: [1]
retries: 1
command: [sh, -c, 'python3 train.py 0 && if [ "$LABBOOK_ATTEMPT" = 1 ]; then echo "CUDA error: out of memory" >&2; exit 1; fi']
`,
  );
  writeFileSync(join(dir, 'train.py'), TRAIN);
  const run = await cli(dir, ['run', 'sweep.yaml'], { env: processEnv() });
  assert.equal(run.code, 0, run.stderr);
  const store = await projectStore(t, dir);
  const record = await store.getRun(1);
  assert.equal(record?.attempt, 2);
  assert.deepEqual(record?.result, { steps: STEPS, resumed_from: STEPS }, 'the retry found every step done');
  assert.ok(existsSync(join(dir, '.labbook', 'runs', '1', 'starts')));
  assert.equal(readFileSync(join(dir, '.labbook', 'runs', '1', 'starts'), 'utf8'), `1 0\n2 ${STEPS}\n`);
});
