import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { startLabbook } from '../helpers/labbook-process.js';
import { processesWithArgument, processTree, uniqueSleep } from '../helpers/processes.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { waitUntil } from '../helpers/wait.js';

/** The longest a run process may outlive the labbook process killed under it (about a second, with a margin). */
const OUTLIVES_AT_MOST_MS = 2_000;

/**
 * Four runs that note each start and end in `side`; on its first attempt, while `hold` exists,
 * a run sleeps a minute (marked by `sleep`) between the two, with `extra` in front (e.g. a trap).
 */
async function sideEffectProject(t: TestContext, sleep: string, extra = ''): Promise<string> {
  const dir = await project(
    t,
    `name: side
parameters:
  x: [1, 2, 3, 4]
command: [sh, -c, '${extra}echo start {x} >> side; if [ "$LABBOOK_ATTEMPT" = 1 ] && [ -e hold ]; then sleep ${sleep}; fi; echo end {x} >> side']
`,
  );
  writeFileSync(join(dir, 'hold'), '');
  return dir;
}

function sleeping(sleep: string): number {
  return processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length;
}

function noneLeft(sleep: string, what: string): Promise<true> {
  return waitUntil(() => processesWithArgument(sleep).length === 0, {
    timeoutMs: OUTLIVES_AT_MOST_MS,
    message: `no run process outlives ${what}: ${JSON.stringify(processesWithArgument(sleep))}`,
  });
}

/** Per run: its lines in `side`, in order. */
function sideEffects(dir: string): Map<string, string[]> {
  const byRun = new Map<string, string[]>();
  for (const line of readFileSync(join(dir, 'side'), 'utf8').split('\n').filter(Boolean)) {
    const [what, x] = line.split(' ') as [string, string];
    byRun.set(x, [...(byRun.get(x) ?? []), what]);
  }
  return byRun;
}

test('kill -9 of a worker’s whole process group leaves no run behind; killed runs are redone, the others not', async (t) => {
  const sleep = uniqueSleep(60);
  const dir = await sideEffectProject(t, sleep);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env: processEnv() })).code, 0);
  const worker = startLabbook(t, dir, ['worker', '-j', '2', '--lease', '2s'], {}, { ownProcessGroup: true });
  await waitUntil(() => sleeping(sleep) === 2, { message: `two runs sleeping (${worker.stderr()})` });

  process.kill(-worker.pid, 'SIGKILL');
  await worker.exited;
  await noneLeft(sleep, "its worker's process group");

  rmSync(join(dir, 'hold'));
  const resume = await cli(dir, ['run', 'sweep.yaml', '--lease', '2s'], { env: processEnv() });
  assert.equal(resume.code, 0, resume.stderr);
  const store = await projectStore(t, dir);
  assert.deepEqual(
    (await store.listRuns({})).map((run) => run.state),
    ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED'],
  );
  assert.deepEqual(
    Object.fromEntries(sideEffects(dir)),
    { 1: ['start', 'start', 'end'], 2: ['start', 'start', 'end'], 3: ['start', 'end'], 4: ['start', 'end'] },
    'runs 1 and 2 were killed mid-way and redone once; nothing ran on unsupervised',
  );
});

test('kill -9 of a worker alone: its runs go within about a second, even ones that ignore SIGTERM', async (t) => {
  const sleep = uniqueSleep(60);
  const dir = await sideEffectProject(t, sleep, 'trap "" TERM; ');
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env: processEnv() })).code, 0);
  const worker = startLabbook(t, dir, ['worker', '-j', '2', '--lease', '2s']);
  await waitUntil(() => sleeping(sleep) === 2, { message: `two runs sleeping (${worker.stderr()})` });

  worker.child.kill('SIGKILL');
  await worker.exited;
  await noneLeft(sleep, 'its worker');
});

// Before the fix the worker hung here, starting runs through a launcher that was gone: a timeout makes that a failure.
test('kill -9 of lb-spawn alone: the worker kills its runs, gives them back unspent and stops with status 3', {
  timeout: 60_000,
}, async (t) => {
  const sleep = uniqueSleep(60);
  const dir = await sideEffectProject(t, sleep);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env: processEnv() })).code, 0);
  const worker = startLabbook(t, dir, ['worker', '-j', '2', '--lease', '2s']);
  await waitUntil(() => sleeping(sleep) === 2, { message: `two runs sleeping (${worker.stderr()})` });
  const launcher = processTree(worker.pid).find(
    (pid) => pid !== worker.pid && processesWithArgument('lb-spawn').some((p) => p.pid === pid),
  );
  assert.ok(launcher, 'found the worker’s lb-spawn');

  process.kill(launcher, 'SIGKILL');
  await noneLeft(sleep, 'its launcher');
  const exit = await worker.exited;
  assert.equal(exit.code, 3, worker.stderr());
  assert.match(worker.stderr(), /stopping \(LB_SPAWNER_LOST\)/);
  assert.match(
    worker.stderr(),
    new RegExp(`the process launcher lb-spawn \\(pid ${launcher}\\) was killed by SIGKILL while runs were going`),
  );

  const runs = await (await projectStore(t, dir)).listRuns({});
  assert.deepEqual(
    runs.map((run) => [run.id, run.state, run.attempt, run.failures, run.losses, run.failureReason]),
    [
      [1, 'PENDING', 1, 0, 0, 'worker stopped (LB_SPAWNER_LOST)'],
      [2, 'PENDING', 1, 0, 0, 'worker stopped (LB_SPAWNER_LOST)'],
      [3, 'PENDING', 0, 0, 0, null],
      [4, 'PENDING', 0, 0, 0, null],
    ],
  );
});
