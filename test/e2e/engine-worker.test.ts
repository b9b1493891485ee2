import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { startLabbook } from '../helpers/labbook-process.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { waitUntil } from '../helpers/wait.js';

const env = processEnv();

test('labbook worker --wait picks up runs added after it started, and stops on Ctrl-C', async (t) => {
  const dir = await project(t, `name: later\nparameters:\n  x: [1, 2]\ncommand: [sh, -c, 'echo ran {x}']\n`);
  const worker = startLabbook(t, dir, ['worker', '--wait', '-j', '2']);
  const store = await projectStore(t, dir);
  await waitUntil(async () => (await store.listWorkers()).some((w) => w.stoppedAt === null), { message: 'the worker registered' });

  const add = await cli(dir, ['add', 'sweep.yaml'], { env });
  assert.equal(add.code, 0, add.stderr);
  await waitUntil(async () => (await store.listRuns({ states: ['COMPLETED'] })).length === 2, {
    message: `the waiting worker ran the new runs: ${worker.stderr()}`,
  });

  worker.child.kill('SIGINT');
  const exit = await worker.exited;
  assert.equal(exit.code, 130, worker.stderr());
  const [registered] = await store.listWorkers();
  assert.notEqual(registered?.stoppedAt, null, 'the worker recorded that it stopped');
});

test('labbook logs -f follows a run until it ends', async (t) => {
  const dir = await project(
    t,
    `name: chatty\nparameters:\n  x: [1]\ncommand: [sh, -c, 'echo first; while [ ! -e go ]; do sleep 0.05; done; echo second; echo oops >&2']\n`,
  );
  const run = startLabbook(t, dir, ['run', 'sweep.yaml']);
  const store = await projectStore(t, dir);
  await waitUntil(async () => (await store.listRuns({ states: ['RUNNING'] })).length === 1, { message: 'the run started' });
  const follow = startLabbook(t, dir, ['logs', '1', '-f']);
  await waitUntil(() => follow.stdout().includes('first\n'), { message: `logs -f printed the output so far: ${follow.stdout()}` });
  assert.ok(!follow.stdout().includes('second'));

  writeFileSync(join(dir, 'go'), '');
  const followed = await follow.exited;
  assert.equal(followed.code, 0, follow.stderr());
  assert.equal(follow.stdout(), 'first\nsecond\noops\n', 'stdout then stderr, as they came, and it stops when the run ends');
  assert.equal((await run.exited).code, 0);
});

test('a worker without the Python driver leaves its runs untouched for it, and runs the others', async (t) => {
  const dir = await project(t, 'name: sklearn-grid\nparameters:\n  x: [1, 2, 3, 4, 5, 6]\ndriver: python\n');
  writeFileSync(join(dir, 'other.yaml'), `name: other\nparameters:\n  x: [1, 2]\ncommand: [sh, -c, 'exit 0']\n`);
  const { LABBOOK_PY_SERVER: _, ...withoutDriver } = env;
  for (const spec of ['sweep.yaml', 'other.yaml']) assert.equal((await cli(dir, ['add', spec], { env: withoutDriver })).code, 0);

  const worker = await cli(dir, ['worker', '-j', '2'], { env: withoutDriver });
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal(
    worker.stderr.match(
      /skipping experiment 'sklearn-grid': its runs execute in the Python script that added it \(.*\), in its own processes; run that script to execute them$/gm,
    )?.length,
    1,
  );
  const store = await projectStore(t, dir);
  const runs = await store.listRuns({});
  assert.deepEqual(
    runs.filter((run) => run.experiment === 'other').map((run) => run.state),
    ['COMPLETED', 'COMPLETED'],
  );
  const driverRuns = runs.filter((run) => run.experiment === 'sklearn-grid');
  assert.ok(
    driverRuns.every((run) => run.state === 'PENDING' && run.attempt === 0 && run.failures === 0),
    JSON.stringify(driverRuns),
  );
});

test('labbook run of a Python driver spec says to run its script, and queues nothing', async (t) => {
  const dir = await project(t, 'name: sklearn-grid\nparameters:\n  x: [1]\ndriver: python\n');
  const { LABBOOK_PY_SERVER: _, ...withoutDriver } = env;
  const run = await cli(dir, ['run', 'sweep.yaml'], { env: withoutDriver });
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /^labbook: experiment 'sklearn-grid': its runs execute in the Python script that added it .*; run that script to execute them$/m,
  );
  assert.deepEqual(await (await projectStore(t, dir)).listExperiments(), []);
});

test('a worker without its process launcher refuses before claiming anything, saying to run make build (exit 3)', async (t) => {
  const dir = await project(t, `name: cmd\nparameters:\n  x: [1, 2, 3]\ncommand: [sh, -c, 'exit 0']\n`);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env })).code, 0);
  const missing = join(dir, 'no-such-lb-spawn');

  const worker = await cli(dir, ['worker', '-j', '2'], { env: { ...env, LABBOOK_SPAWNER: missing } });

  assert.equal(worker.code, 3, worker.stderr);
  assert.match(worker.stderr, new RegExp(`the process launcher ${missing} is missing: runs of experiment 'cmd' need it`));
  assert.match(worker.stderr, /Run 'make build' in \S+/);
  const store = await projectStore(t, dir);
  assert.deepEqual(
    (await store.listRuns({})).map((run) => [run.state, run.attempt, run.failures]),
    [
      ['PENDING', 0, 0],
      ['PENDING', 0, 0],
      ['PENDING', 0, 0],
    ],
  );
  assert.deepEqual(
    (await store.listRunEvents(1)).map((event) => event.toState),
    ['PENDING'],
    'never claimed',
  );
});

test('a worker without its process launcher still runs functions', async (t) => {
  const dir = await project(t, 'name: fn\nparameters:\n  x: [1, 2]\nfunction: ./fn.mjs#train\n');
  writeFileSync(join(dir, 'fn.mjs'), 'export const train = async (ctx, config) => config.x;\n');
  const noLauncher = { ...env, LABBOOK_SPAWNER: join(dir, 'no-such-lb-spawn') };

  const run = await cli(dir, ['run', 'sweep.yaml'], { env: noLauncher });

  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    (await (await projectStore(t, dir)).listRuns({})).map((r) => [r.state, r.result]),
    [
      ['COMPLETED', 1],
      ['COMPLETED', 2],
    ],
  );
});

test('a waiting worker without its launcher stops when command runs arrive, giving them back unspent (exit 3)', async (t) => {
  const dir = await project(t, `name: later\nparameters:\n  x: [1, 2]\ncommand: [sh, -c, 'exit 0']\n`);
  const worker = startLabbook(t, dir, ['worker', '--wait', '-j', '2'], { LABBOOK_SPAWNER: join(dir, 'no-such-lb-spawn') });
  const store = await projectStore(t, dir);
  await waitUntil(async () => (await store.listWorkers()).some((w) => w.stoppedAt === null), { message: 'the worker registered' });

  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env })).code, 0);

  const exit = await worker.exited;
  assert.equal(exit.code, 3, worker.stderr());
  assert.match(worker.stderr(), /stopping \(LB_SPAWNER_MISSING\)/);
  assert.deepEqual(
    (await store.listRuns({})).map((run) => [run.state, run.attempt, run.failures]),
    [
      ['PENDING', 0, 0],
      ['PENDING', 0, 0],
    ],
  );
});

test('a worker of every experiment names those it executed runs of, and says when it executed none', async (t) => {
  const dir = await project(t, `name: broken\nparameters:\n  x: [1]\ncommand: [sh, -c, 'exit 1']\n`);
  writeFileSync(join(dir, 'fine.yaml'), `name: fine\nparameters:\n  x: [1, 2]\ncommand: [sh, -c, 'exit 0']\n`);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env })).code, 0);
  assert.equal((await cli(dir, ['worker', '-e', 'broken'], { env })).code, 1);
  assert.equal((await cli(dir, ['add', 'fine.yaml'], { env })).code, 0);

  const first = await cli(dir, ['worker'], { env });
  assert.match(first.stderr, /^labbook: fine finished — 2 completed, 0 failed in /m, 'named and counted: only what it ran');
  const again = await cli(dir, ['worker'], { env });
  assert.match(again.stderr, /^labbook: worker finished, no runs executed — 2 completed, 1 failed in /m);
});
