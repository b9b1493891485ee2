import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { processEnv, project, projectStore } from '../helpers/project.js';

const env = processEnv();

test('a grid of commands completes, each run with its parameters, hash, run directory and captured output', async (t) => {
  const dir = await project(
    t,
    `name: grid
parameters:
  x: [1, 2, 3]
  y: [a, b]
command: [sh, -c, 'test -d "$LABBOOK_RUN_DIR" || exit 9; printf %s "$LABBOOK_PARAMS" > "$LABBOOK_RUN_DIR/params.json"; printf %s "$LABBOOK_RUN_HASH" > "$LABBOOK_RUN_DIR/hash"; echo "out {x}{y}"; echo "err {x}{y}" >&2']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '2', '--json'], { env });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.claimed, 6);
  assert.equal(report.completed, 6);
  assert.deepEqual(report.failures, []);

  const store = await projectStore(t, dir);
  const runs = await store.listRuns({});
  assert.equal(runs.length, 6);
  for (const r of runs) {
    assert.equal(r.state, 'COMPLETED');
    assert.equal(r.exitCode, 0);
    const runDir = join(dir, '.labbook', 'runs', String(r.id));
    assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'params.json'), 'utf8')), r.params, 'LABBOOK_PARAMS is the run parameters');
    assert.equal(readFileSync(join(runDir, 'hash'), 'utf8'), r.hash, 'LABBOOK_RUN_HASH is its identity');
    const { x, y } = r.params as { x: number; y: string };
    assert.equal(readFileSync(join(runDir, 'stdout.log'), 'utf8'), `out ${x}${y}\n`);
    assert.equal(readFileSync(join(runDir, 'stderr.log'), 'utf8'), `err ${x}${y}\n`);
  }

  const logs = await cli(dir, ['logs', '4'], { env });
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, 'stdout| out 2b\nstderr| err 2b\n');
  assert.equal((await cli(dir, ['logs', '4', '--stream', 'stderr'], { env })).stdout, 'err 2b\n');
});

test('a failing run is FAILED with its stderr tail, shown by show, and does not stop the others', async (t) => {
  const dir = await project(
    t,
    `name: failing
parameters:
  x: [1, 2, 3, 4]
command: [sh, -c, 'echo "working on {x}" >&2; if [ {x} -eq 2 ]; then echo boom >&2; exit 3; fi; echo done {x}']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '2'], { env });
  assert.equal(run.code, 1, 'exit status 1 when a run failed');
  assert.match(run.stderr, /3 completed, 1 failed/);
  assert.match(run.stderr, /✗ run 2 \(x=2\): boom/, 'the summary headlines the last line the run wrote to stderr');

  const store = await projectStore(t, dir);
  const runs = await store.listRuns({});
  assert.deepEqual(
    runs.map((r) => r.state),
    ['COMPLETED', 'FAILED', 'COMPLETED', 'COMPLETED'],
  );
  const failed = runs[1]!;
  assert.equal(failed.exitCode, 3);
  assert.equal(failed.failureReason, 'exit status 3');
  assert.equal(failed.error, 'working on 2\nboom');

  const show = await cli(dir, ['show', String(failed.id)], { env });
  assert.match(show.stdout, /FAILED \(exit status 3\)/);
  assert.match(show.stdout, /error\n {2}working on 2\n {2}boom/);
  assert.match(show.stdout, /RUNNING\s+FAILED\s+1\s+\S+\s+exit status 3: boom/);
});

test('a command that does not exist fails its run with a message that says so', async (t) => {
  const dir = await project(
    t,
    `name: missing
parameters:
  x: [1]
command: [no-such-command-for-labbook, '{x}']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml', '--json'], { env });
  assert.equal(run.code, 1);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(only?.state, 'FAILED');
  assert.match(only?.error ?? '', /cannot start 'no-such-command-for-labbook': no such command/);
  assert.equal(existsSync(join(dir, '.labbook', 'runs', String(only?.id))), false, 'a run that could not start leaves no directory');
});

test('a second run of the same spec skips what completed and reruns only with --rerun', async (t) => {
  const dir = await project(
    t,
    `name: cached
parameters:
  x: [1, 2]
command: [sh, -c, 'echo {x} >> ran.txt']
`,
  );
  assert.equal((await cli(dir, ['run', 'sweep.yaml'], { env })).code, 0);
  const again = await cli(dir, ['run', 'sweep.yaml', '--json'], { env });
  assert.equal(again.code, 0);
  assert.equal(JSON.parse(again.stdout).claimed, 0);
  assert.deepEqual(readFileSync(join(dir, 'ran.txt'), 'utf8').split('\n').filter(Boolean).sort(), ['1', '2']);
  assert.equal((await cli(dir, ['run', 'sweep.yaml', '--rerun'], { env })).code, 0);
  assert.equal(readFileSync(join(dir, 'ran.txt'), 'utf8').split('\n').filter(Boolean).length, 4);
});

test('labbook run of a spec with nothing to execute is a usage error that names the fix and queues nothing', async (t) => {
  const dir = await project(t, 'name: nothing\nparameters:\n  x: [1, 2]\n');
  const run = await cli(dir, ['run', 'sweep.yaml'], { env });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /sweep\.yaml: command: 'labbook run' needs something to execute: add a command .* use 'labbook add'/);
  const store = await projectStore(t, dir);
  assert.deepEqual(await store.listExperiments(), [], 'nothing was written');
});

test('--report writes the outcome, the runs started here and every run of the experiment to a file', async (t) => {
  const dir = await project(t, `name: reported\nparameters:\n  x: [1, 2, 3]\ncommand: [sh, -c, 'test {x} != 3']\n`);
  const first = await cli(dir, ['run', 'sweep.yaml', '--report', 'first.json'], { env });
  assert.equal(first.code, 1, first.stderr);
  const report = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8'));
  assert.deepEqual(report.counts.COMPLETED, 2);
  assert.deepEqual(
    report.runs.map((run: { params: { x: number }; state: string }) => [run.params.x, run.state]),
    [
      [1, 'COMPLETED'],
      [2, 'COMPLETED'],
      [3, 'FAILED'],
    ],
  );
  assert.deepEqual([...report.started].sort(), [1, 2, 3]);
  assert.deepEqual(
    report.failures.map((run: { id: number }) => run.id),
    [3],
  );

  const second = await cli(dir, ['run', 'sweep.yaml', '--report', 'second.json'], { env });
  assert.equal(second.code, 1, second.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'second.json'), 'utf8')).started, [3], 'completed runs are the cache');

  const nowhere = await cli(dir, ['run', 'sweep.yaml', '--report', 'missing/dir/report.json'], { env });
  assert.equal(nowhere.code, 2);
  assert.match(nowhere.stderr, /--report: cannot write .*missing\/dir\/report\.json .*give a file in an existing, writable directory/);
});
