import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { startLabbook } from '../helpers/labbook-process.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { waitUntil } from '../helpers/wait.js';

const env = processEnv();

/** The most runs that were between their `+` and `-` lines at once. */
function mostAtOnce(trace: string): number {
  let now = 0;
  let most = 0;
  for (const line of trace.split('\n')) {
    if (line.startsWith('+')) most = Math.max(most, ++now);
    if (line.startsWith('-')) now--;
  }
  return most;
}

// Short runs (~3 ms) are handed to their executor several at a time (it starts each as a slot
// frees): the slots still bound how many execute at once.
for (const kind of ['command', 'function'] as const) {
  test(`short ${kind} runs at -j 2: each runs once, never more than 2 at once`, async (t) => {
    const runs = 150;
    const execute =
      kind === 'command' ? `command: [sh, -c, 'echo "+ {i}" >> trace; sleep 0.002; echo "- {i}" >> trace']` : 'function: ./fn.mjs#mark';
    const dir = await project(t, `name: short\nparameters:\n  i: range(${runs})\n${execute}\n`);
    writeFileSync(
      join(dir, 'fn.mjs'),
      `import { appendFileSync } from 'node:fs';
const trace = ${JSON.stringify(join(dir, 'trace'))};
export const mark = (ctx, { i }) => {
  appendFileSync(trace, '+ ' + i + '\\n');
  for (const end = Date.now() + 2; Date.now() < end; );
  appendFileSync(trace, '- ' + i + '\\n');
};
`,
    );
    writeFileSync(join(dir, 'trace'), '');
    const run = await cli(dir, ['run', 'sweep.yaml', '-j', '2'], { env });
    assert.equal(run.code, 0, run.stderr);
    const trace = readFileSync(join(dir, 'trace'), 'utf8');
    const started = trace.split('\n').filter((line) => line.startsWith('+'));
    assert.equal(started.length, runs, 'each run ran once');
    assert.equal(new Set(started).size, runs);
    assert.ok(mostAtOnce(trace) <= 2, `at most 2 at once, saw ${mostAtOnce(trace)}`);
    const store = await projectStore(t, dir);
    assert.equal((await store.listRuns({ states: ['COMPLETED'] })).length, runs);
  });
}

test('Ctrl-C while runs wait in the launcher: the running one ends, the waiting ones go back unstarted', async (t) => {
  // 30 quick runs make the worker hand several at once to the launcher; then each run sleeps.
  const dir = await project(
    t,
    `name: queued\nparameters:\n  i: range(40)\ncommand: [sh, -c, 'touch ran.{i}; [ {i} -lt 30 ] || sleep 0.5']\n`,
  );
  const worker = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '1', '--report', 'report.json']);
  await waitUntil(() => existsSync(join(dir, 'ran.30')), { message: `the first sleeping run started: ${worker.stderr()}` });
  worker.child.kill('SIGINT');
  const exit = await worker.exited;
  assert.equal(exit.code, 130, worker.stderr());
  const store = await projectStore(t, dir);
  const all = await store.listRuns({});
  const completed = all.filter((run) => run.state === 'COMPLETED');
  const pending = all.filter((run) => run.state === 'PENDING');
  assert.equal(completed.length + pending.length, 40, 'nothing failed or was lost');
  assert.ok(
    completed.some((run) => run.params.i === 30),
    'the run going on at Ctrl-C ended',
  );
  for (const run of completed) assert.ok(existsSync(join(dir, `ran.${run.params.i}`)), `completed run ${run.params.i} ran`);
  for (const run of pending) {
    assert.equal(existsSync(join(dir, `ran.${run.params.i}`)), false, `pending run ${run.params.i} never started`);
    assert.equal(run.attempt, 0, `pending run ${run.params.i} spent no attempt`);
    assert.equal(run.startedAt, null);
  }
  assert.ok(pending.length >= 5, `most runs stayed pending (${pending.length})`);
});

test('a worker killed while short runs wait in the launcher: the next one completes every run exactly once', async (t) => {
  const dir = await project(t, `name: killed\nparameters:\n  i: range(3000)\ncommand: ['true']\n`);
  const first = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s']);
  const store = await projectStore(t, dir);
  await waitUntil(async () => (await store.countRuns({})).some((row) => row.state === 'COMPLETED' && row.count >= 200), {
    message: `the first worker completed some runs: ${first.stderr()}`,
  });
  first.child.kill('SIGKILL');
  await first.exited;
  const held = (await store.listRuns({ states: ['RUNNING'] })).length;
  assert.ok(held > 0, 'the killed worker held runs');

  const second = await cli(dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s', '--json'], { env });
  assert.equal(second.code, 0, second.stderr);
  const runs = await store.listRuns({});
  assert.deepEqual(
    runs.filter((run) => run.state !== 'COMPLETED'),
    [],
  );
  for (const run of runs.filter((r) => r.attempt > 1)) {
    const completions = (await store.listRunEvents(run.id)).filter((event) => event.toState === 'COMPLETED');
    assert.equal(completions.length, 1, `run ${run.id} completed once`);
  }
  // Runs handed to the launcher count as begun (a loss each when the worker dies): no other run is charged one.
  const losses = runs.reduce((sum, run) => sum + run.losses, 0);
  assert.ok(losses <= held, `${losses} losses, ${held} runs held`);
});
