import assert from 'node:assert/strict';
import { globSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunEvent, RunRecord } from '../../src/domain/index.js';
import { cli } from '../helpers/cli.js';
import { startLabbook } from '../helpers/labbook-process.js';
import { isRunning, processesWithArgument, processTree, uniqueSleep } from '../helpers/processes.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { waitUntil } from '../helpers/wait.js';

const env = processEnv();

/**
 * Four runs whose first attempt sleeps a minute (marked by a unique argument) while the
 * project holds a file `hold`; a later attempt, or any run once `hold` is gone, finishes at once.
 */
function sleepyGrid(sleep: string, extra = ''): string {
  return `name: sleepy
parameters:
  x: [1, 2, 3, 4]
command: [sh, -c, '${extra}if [ "$LABBOOK_ATTEMPT" = 1 ] && [ -e hold ]; then sleep ${sleep}; fi; echo done {x}']
`;
}

async function sleepyProject(t: Parameters<typeof project>[0], sleep: string, extra = ''): Promise<string> {
  const dir = await project(t, sleepyGrid(sleep, extra));
  writeFileSync(join(dir, 'hold'), '');
  return dir;
}

/** Runs not started yet finish at once from now on. */
function release(dir: string): void {
  rmSync(join(dir, 'hold'));
}

async function showRun(dir: string, id: number): Promise<RunRecord & { events: RunEvent[] }> {
  const show = await cli(dir, ['show', String(id), '--json'], { env });
  assert.equal(show.code, 0, show.stderr);
  return JSON.parse(show.stdout);
}

function noProcessesWith(marker: string): Promise<true> {
  return waitUntil(() => processesWithArgument(marker).length === 0, {
    timeoutMs: 15_000,
    message: `processes left running: ${JSON.stringify(processesWithArgument(marker))}`,
  });
}

test('kill -9 of labbook run leaves no run process behind; its runs are requeued as worker lost once the lease expires', async (t) => {
  const sleep = uniqueSleep(60);
  const dir = await sleepyProject(t, sleep);
  const run = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s']);
  await waitUntil(() => processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length === 2, {
    message: `two runs sleeping (labbook said: ${run.stderr()})`,
  });
  const descendants = processTree(run.pid).filter((pid) => pid !== run.pid);
  assert.ok(descendants.length >= 5, `lb-spawn, two shells and two sleeps: ${descendants}`);

  run.child.kill('SIGKILL');
  await run.exited;
  await noProcessesWith(sleep);
  await waitUntil(() => descendants.every((pid) => !isRunning(pid)), {
    timeoutMs: 15_000,
    message: `every descendant of labbook run, lb-spawn included, exits: ${descendants.filter(isRunning)}`,
  });

  const store = await projectStore(t, dir);
  const running = await store.listRuns({ states: ['RUNNING'] });
  assert.deepEqual(
    running.map((r) => r.id),
    [1, 2],
    'the killed worker could not record anything',
  );
  // `show` reaps expired leases: wait until the lease (2s) has run out.
  for (const id of [1, 2]) {
    const shown = await waitUntil(
      async () => {
        const r = await showRun(dir, id);
        return r.state === 'PENDING' && r;
      },
      { message: `run ${id} requeued` },
    );
    assert.equal(shown.failureReason, 'worker lost');
    assert.equal(shown.losses, 1);
    assert.deepEqual(
      shown.events.slice(-2).map((e) => [e.fromState, e.toState, e.reason]),
      [
        ['PENDING', 'RUNNING', 'claimed'],
        ['RUNNING', 'PENDING', 'worker lost'],
      ],
    );
  }

  release(dir);
  const worker = await cli(dir, ['worker', '-j', '2', '--lease', '2s', '--json'], { env });
  assert.equal(worker.code, 0, worker.stderr);
  const runs = await store.listRuns({});
  assert.deepEqual(
    runs.map((r) => [r.id, r.state, r.attempt]),
    [
      [1, 'COMPLETED', 2],
      [2, 'COMPLETED', 2],
      [3, 'COMPLETED', 1],
      [4, 'COMPLETED', 1],
    ],
  );
});

test('a worker takes over runs of a killed worker by itself once their lease expired', async (t) => {
  const sleep = uniqueSleep(60);
  const dir = await sleepyProject(t, sleep);
  const first = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '4', '--lease', '2s']);
  await waitUntil(() => processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length === 4, { message: 'four runs sleeping' });
  first.child.kill('SIGKILL');
  await first.exited;

  // A second `labbook run` of the same spec resumes: it waits for the lost runs' leases.
  release(dir);
  const second = await cli(dir, ['run', 'sweep.yaml', '--lease', '2s', '--json'], { env });
  assert.equal(second.code, 0, second.stderr);
  const store = await projectStore(t, dir);
  for (const r of await store.listRuns({})) {
    assert.equal(r.state, 'COMPLETED');
    assert.equal(r.attempt, 2);
    const reasons = (await store.listRunEvents(r.id)).map((e) => e.reason);
    assert.deepEqual(reasons, ['enqueued', 'claimed', 'worker lost', 'claimed', 'completed']);
  }
  await noProcessesWith(sleep);
});

test('runs a killed worker had claimed ahead and not started go back with their attempt and no loss', async (t) => {
  const sleep = uniqueSleep(60);
  // Runs of 20 ms (claimed ahead, but too long to be handed to the launcher several per slot,
  // where they would count as begun) but run 21, which hangs on its first attempt while `hold`
  // exists, so that the worker holds some ahead for seconds.
  const dir = await project(
    t,
    `name: many
parameters:
  x: range(1, 401)
command: [sh, -c, 'if [ -e hold ]; then if [ {x} = 21 ] && [ "$LABBOOK_ATTEMPT" = 1 ]; then sleep ${sleep}; else sleep 0.02; fi; fi']
`,
  );
  writeFileSync(join(dir, 'hold'), '');
  const first = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s']);
  const store = await projectStore(t, dir);
  const running = async () => (await store.listRuns({})).filter((r) => r.state === 'RUNNING').length;
  await waitUntil(() => processesWithArgument(sleep).some((p) => p.argv[0] === 'sleep'), { message: 'run 21 sleeping' });
  // Killed while it holds at least 5 runs claimed ahead: a backlog run may still end before the kill lands.
  await waitUntil(async () => (await running()) >= 7, { message: 'runs claimed ahead of the two running ones' });
  first.child.kill('SIGKILL');
  await first.exited;

  release(dir);
  const second = await cli(dir, ['run', 'sweep.yaml', '--lease', '2s', '--json'], { env });
  assert.equal(second.code, 0, second.stderr);
  const runs = await store.listRuns({});
  assert.equal(runs.length, 400);
  for (const r of runs) {
    const completions = (await store.listRunEvents(r.id)).filter((e) => e.toState === 'COMPLETED');
    assert.equal(completions.length, 1, `run ${r.id} completed once`);
  }
  const reasons = new Map<number, string[]>();
  for (const r of runs)
    reasons.set(
      r.id,
      (await store.listRunEvents(r.id)).map((e) => e.reason ?? ''),
    );
  const neverBegun = runs.filter((r) => reasons.get(r.id)?.includes('worker lost before starting it'));
  assert.ok(neverBegun.length >= 4, `the killed worker held ${neverBegun.length} runs it had not begun`);
  assert.deepEqual(
    neverBegun.filter((r) => r.attempt !== 1 || r.losses !== 0),
    [],
    'a run given back unbegun keeps its attempt number and loss count',
  );
  // A loss is counted only for a run that began: per slot, the one running and, at most, the one
  // before it whose outcome was still being written when the worker died.
  const losses = runs.reduce((sum, r) => sum + r.losses, 0);
  assert.ok(losses <= 2 * 2, `${losses} losses counted: only runs begun (at most two per slot) may count one`);
  await noProcessesWith(sleep);
});

test('a double Ctrl-C stops the runs, even ones that ignore SIGTERM, and requeues them as interrupted', async (t) => {
  const sleep = uniqueSleep(60);
  const dir = await sleepyProject(t, sleep, `trap "" TERM; `);
  const run = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s']);
  await waitUntil(() => processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length === 2, { message: 'two runs sleeping' });

  run.child.kill('SIGINT');
  await waitUntil(() => /waiting for 2 running runs to finish/.test(run.stderr()), { message: `first Ctrl-C noted: ${run.stderr()}` });
  assert.equal(processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length, 2, 'one Ctrl-C lets runs finish');
  run.child.kill('SIGINT');
  const exit = await run.exited;
  assert.equal(exit.code, 130, run.stderr());
  assert.match(run.stderr(), /Interrupted: run the same command again to resume/);
  await noProcessesWith(sleep);

  const store = await projectStore(t, dir);
  const runs = await store.listRuns({});
  assert.deepEqual(
    runs.map((r) => r.state),
    ['PENDING', 'PENDING', 'PENDING', 'PENDING'],
    'nothing stays RUNNING',
  );
  for (const id of [1, 2]) {
    const events = await store.listRunEvents(id);
    assert.deepEqual(
      events.slice(-1).map((e) => [e.fromState, e.toState, e.reason]),
      [['RUNNING', 'PENDING', 'interrupted']],
    );
    assert.equal(runs[id - 1]?.failures, 0, 'an interruption is not a failure');
  }

  release(dir);
  const resume = await cli(dir, ['run', 'sweep.yaml', '--lease', '2s'], { env });
  assert.equal(resume.code, 0, resume.stderr);
  assert.deepEqual(
    (await store.listRuns({})).map((r) => [r.state, r.attempt]),
    [
      ['COMPLETED', 2],
      ['COMPLETED', 2],
      ['COMPLETED', 1],
      ['COMPLETED', 1],
    ],
  );
});

test('one Ctrl-C lets running runs finish and claims nothing more', async (t) => {
  const dir = await project(
    t,
    `name: graceful
parameters:
  x: [1, 2, 3, 4]
command: [sh, -c, 'touch "$LABBOOK_RUN_DIR/started"; while [ ! -e release ]; do sleep 0.05; done; echo done {x}']
`,
  );
  const run = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s']);
  const store = await projectStore(t, dir);
  // Started as processes, not only claimed: a run claimed and not started yet goes back on Ctrl-C.
  await waitUntil(() => globSync('.labbook/runs/*/started', { cwd: dir }).length === 2, { message: 'two runs started' });
  run.child.kill('SIGINT');
  await waitUntil(() => /waiting for 2 running runs to finish/.test(run.stderr()), { message: `Ctrl-C noted: ${run.stderr()}` });
  writeFileSync(join(dir, 'release'), '');
  const exit = await run.exited;
  assert.equal(exit.code, 130);
  assert.deepEqual(
    (await store.listRuns({})).map((r) => r.state),
    ['COMPLETED', 'COMPLETED', 'PENDING', 'PENDING'],
  );
});
