import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Queue } from '../../src/queue/queue.js';
import { openStore } from '../../src/store/open-store.js';
import { VERSION } from '../../src/version.js';
import { cli, cliProcess, jsonLines } from '../helpers/cli.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

const SPEC = `name: cv
parameters:
  dataset: [digits, wine]
  model: [svc, rf]
settings: {n_fold: 5}
retries: 0
`;

async function project(t: import('node:test').TestContext) {
  const dir = tempDir(t);
  assert.equal((await cli(dir, ['init'])).code, 0);
  writeSpec(dir, SPEC);
  return dir;
}

/** Drives runs directly through the queue, as a worker would. */
async function finishRuns(dir: string, outcomes: Array<'ok' | 'fail'>) {
  const store = await openStore({ cwd: dir });
  const queue = new Queue(store);
  for (const outcome of outcomes) {
    const [run] = await queue.claim('w', 1);
    const lease = { runId: run!.id, workerId: 'w', attempt: run!.attempt };
    if (outcome === 'ok') await queue.complete(lease, { score: 0.5 });
    else await queue.fail(lease, 'error', 'Traceback (most recent call last):\nValueError: bad C');
  }
  await store.close();
}

test('the binary initialises a store and refuses commands outside one', (t) => {
  const dir = tempDir(t);
  const outside = cliProcess(dir, ['status']);
  assert.equal(outside.code, 3);
  assert.match(outside.stderr, /no labbook store at .*\.labbook\. Run 'labbook init'/);
  const init = cliProcess(dir, ['init']);
  assert.equal(init.code, 0);
  assert.match(init.stdout, /Initialised an empty labbook store in .*\.labbook/);
  assert.match(cliProcess(dir, ['init']).stdout, /already exists/);
});

test('add enqueues a spec and is idempotent', async (t) => {
  const dir = await project(t);
  assert.match((await cli(dir, ['add', 'sweep.yaml'])).stdout, /cv: 4 runs planned: 4 added/);
  assert.match((await cli(dir, ['add', 'sweep.yaml', 'model=svc,knn'])).stdout, /cv: 4 runs planned: 2 added, 2 already PENDING/);
  const json = JSON.parse((await cli(dir, ['add', 'sweep.yaml', '--json'])).stdout);
  assert.deepEqual(json, {
    experiment: 'cv',
    specVersion: 1,
    planned: 4,
    added: 0,
    replanned: 0,
    requeued: 0,
    moved: 0,
    unchanged: { PENDING: 4 },
    pendingOfEarlierVersions: 0,
  });
});

test('status counts by state and exits 1 when runs failed', async (t) => {
  const dir = await project(t);
  await cli(dir, ['add', 'sweep.yaml']);
  assert.equal((await cli(dir, ['status'])).code, 0);
  await finishRuns(dir, ['ok', 'fail']);
  const human = await cli(dir, ['status']);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /experiment\s+pending\s+running\s+completed\s+failed\s+cancelled\s+total\ncv\s+2\s+0\s+1\s+1\s+0\s+4/);
  const json = JSON.parse((await cli(dir, ['status', '--json'])).stdout);
  assert.deepEqual(json, [{ experiment: 'cv', total: 4, PENDING: 2, RUNNING: 0, COMPLETED: 1, FAILED: 1, CANCELLED: 0 }]);
});

test('ls lists runs with params and filters by state', async (t) => {
  const dir = await project(t);
  await cli(dir, ['add', 'sweep.yaml']);
  await finishRuns(dir, ['ok']);
  const human = (await cli(dir, ['ls'])).stdout;
  assert.match(human, /id\s+experiment\s+state\s+attempt\s+started\s+took\s+params/);
  assert.match(human, /1\s+cv\s+COMPLETED\s+1\s+\S+ \S+\s+\S+\s+dataset=digits model=svc/);
  const pending = jsonLines((await cli(dir, ['ls', '--state', 'pending', '--json'])).stdout) as { params: unknown }[];
  assert.deepEqual(
    pending.map((r) => r.params),
    [
      { dataset: 'digits', model: 'rf' },
      { dataset: 'wine', model: 'svc' },
      { dataset: 'wine', model: 'rf' },
    ],
  );
  const bad = await cli(dir, ['ls', '--state', 'DONE']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /'DONE' is not a run state; use one or more of PENDING, RUNNING, COMPLETED, FAILED, CANCELLED/);
});

test('show gives a run with its error and history', async (t) => {
  const dir = await project(t);
  await cli(dir, ['add', 'sweep.yaml']);
  await finishRuns(dir, ['fail']);
  const shown = await cli(dir, ['show', '1']);
  assert.equal(shown.code, 0);
  assert.match(shown.stdout, /run 1 of cv\n\s+hash\s+[0-9a-f]{64}\n\s+spec\s+version 1\n\s+state\s+FAILED \(error\)/);
  assert.match(shown.stdout, /error\n\s+Traceback \(most recent call last\):\n\s+ValueError: bad C/);
  assert.match(shown.stdout, /RUNNING\s+FAILED\s+1\s+w\s+error: ValueError: bad C/);
  const json = JSON.parse((await cli(dir, ['show', '1', '--json'])).stdout);
  assert.equal(json.events.length, 3);
  const missing = await cli(dir, ['show', '77']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no run '77'/);
});

test('reset requeues only the runs asked for', async (t) => {
  const dir = await project(t);
  await cli(dir, ['add', 'sweep.yaml']);
  await finishRuns(dir, ['ok', 'fail']);
  const refused = await cli(dir, ['reset']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /say which runs to reset: --state FAILED/);
  assert.match((await cli(dir, ['reset', '--state', 'FAILED'])).stdout, /Reset 1 run to PENDING\./);
  const states = (jsonLines((await cli(dir, ['ls', '--json'])).stdout) as { state: string }[]).map((r) => r.state);
  assert.deepEqual(states, ['COMPLETED', 'PENDING', 'PENDING', 'PENDING']);
  assert.match((await cli(dir, ['reset', '1'])).stdout, /Reset 1 run/);
});

test('cancel cancels the runs named and says when nothing matched', async (t) => {
  const dir = await project(t);
  await cli(dir, ['add', 'sweep.yaml']);
  assert.equal((await cli(dir, ['cancel'])).code, 2);
  assert.match((await cli(dir, ['cancel', '2', '3'])).stdout, /Cancelled 2 runs\./);
  assert.match((await cli(dir, ['cancel', '2'])).stdout, /nothing changed/);
  assert.match((await cli(dir, ['cancel', '-e', 'cv'])).stdout, /Cancelled 2 runs\./);
});

const COMMANDS = ['init', 'add', 'run', 'worker', 'submit', 'sub', 'jobs', 'status', 'ls', 'show', 'logs', 'reset', 'cancel', 'rerun'];
const TRACKING_COMMANDS = ['artifacts', 'get', 'metrics', 'diff', 'plot', 'table', 'export'];
const STUDY_COMMANDS = ['tune', 'study'];
const UTILITY_COMMANDS = ['doctor', 'engine', 'serve', 'ui', 'read-config', 'copy-store'];
const PROVENANCE_COMMANDS = ['entities', 'lineage', 'annotate', 'leaderboard', 'regress'];

test('every command has help with an example, and the overall help lists them all', async (t) => {
  const dir = tempDir(t);
  for (const command of [...COMMANDS, ...TRACKING_COMMANDS, ...STUDY_COMMANDS, ...UTILITY_COMMANDS, ...PROVENANCE_COMMANDS]) {
    const help = await cli(dir, [command, '--help']);
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, /Examples:\n\s+\$ labbook /, command);
  }
  const overall = await cli(dir, ['--help']);
  const listed = [...overall.stdout.matchAll(/^ {2}(\w[\w-]*)/gm)].map((match) => match[1]);
  assert.deepEqual(listed, [...COMMANDS, ...TRACKING_COMMANDS, ...STUDY_COMMANDS, ...UTILITY_COMMANDS, ...PROVENANCE_COMMANDS, 'help']);
});

test('--version prints the version', async (t) => {
  for (const flag of ['--version', '-V']) {
    const result = await cli(tempDir(t), [flag]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${VERSION}\n`);
  }
});

test('the command is found after global options, whichever module defines it', async (t) => {
  const dir = await project(t);
  await cli(dir, ['add', 'sweep.yaml']);
  const elsewhere = tempDir(t);
  const listed = await cli(elsewhere, ['--store', `${dir}/.labbook`, '--json', 'ls']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(jsonLines(listed.stdout).length, 4);
  const mistyped = await cli(dir, ['--json', 'lss']);
  assert.equal(mistyped.code, 2);
  assert.match(mistyped.stderr, /unknown command 'lss'\n\(Did you mean ls\?\)/);
});

test('usage mistakes exit 2 without a stack trace', async (t) => {
  const dir = await project(t);
  for (const args of [['frobnicate'], ['ls', '--bogus'], ['add'], ['show']]) {
    const result = await cli(dir, args);
    assert.equal(result.code, 2, args.join(' '));
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  }
});
