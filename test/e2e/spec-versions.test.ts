import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, jsonLines } from '../helpers/cli.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { writeSpec } from '../helpers/specs.js';

const env = processEnv();

const V1 = 'name: s\nparameters:\n  p: [1]\ncommand: echo v1 p={p}\n';
const V3 = 'name: s\nparameters:\n  q: [5]\ncommand: echo v3 q={q}\n';

test('a queued run executes the spec it was planned with, not one added after it', async (t) => {
  const dir = await project(t);
  writeSpec(dir, V1, 'v1.yaml');
  writeSpec(dir, V3, 'v3.yaml');
  assert.equal((await cli(dir, ['add', 'v1.yaml'])).code, 0);
  const added = await cli(dir, ['add', 'v3.yaml']);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(
    added.stdout,
    [
      's: spec version 2, changed since version 1: parameters: {"p":[1]} → {"q":[5]}; command: "echo v1 p={p}" → "echo v3 q={q}"',
      's: 1 runs planned: 1 added',
      's: 1 PENDING run of an earlier version keeps it (with --move-pending, those this grid plans run as version 2 instead)',
      '',
    ].join('\n'),
  );

  const worker = await cli(dir, ['worker'], { env });
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal((await cli(dir, ['logs', '1'])).stdout, 'stdout| v1 p=1\n');
  assert.equal((await cli(dir, ['logs', '2'])).stdout, 'stdout| v3 q=5\n');
  const store = await projectStore(t, dir);
  assert.deepEqual(
    (await store.listRuns({})).map((run) => [run.id, run.state, run.specVersion]),
    [
      [1, 'COMPLETED', 1],
      [2, 'COMPLETED', 2],
    ],
  );
  assert.match((await cli(dir, ['show', '1'])).stdout, /^ {2}spec {6}version 1$/m);
});

const OLD = 'name: s\nparameters:\n  p: [1, 2]\ncommand: echo old {p}\n';
const FIXED = 'name: s\nparameters:\n  p: [1]\ncommand: echo fixed {p}\n';

test('a changed command plans queued parameters anew; the queued runs keep the old command', async (t) => {
  const dir = await project(t);
  writeSpec(dir, OLD, 'old.yaml');
  writeSpec(dir, FIXED, 'fixed.yaml');
  assert.equal((await cli(dir, ['add', 'old.yaml'])).code, 0);
  const added = await cli(dir, ['add', 'fixed.yaml']);
  assert.equal(added.code, 0, added.stderr);
  assert.match(
    added.stdout,
    /^s: 1 runs planned: 1 added \(1 anew: the runs of their parameters have other settings or another command, and stay in the store as they are\)$/m,
  );
  assert.match(
    added.stdout,
    /^s: 2 PENDING runs of earlier versions keep theirs \(with --move-pending, those this grid plans run as version 2 instead\)$/m,
  );

  assert.equal((await cli(dir, ['worker'], { env })).code, 0);
  const logs = await Promise.all([1, 2, 3].map(async (id) => (await cli(dir, ['logs', String(id)])).stdout));
  assert.deepEqual(logs, ['stdout| old 1\n', 'stdout| old 2\n', 'stdout| fixed 1\n']);
});

test('--move-pending runs the PENDING runs this grid plans as the new version, not twice; the others keep theirs', async (t) => {
  const dir = await project(t);
  writeSpec(dir, OLD, 'old.yaml');
  writeSpec(dir, FIXED, 'fixed.yaml');
  assert.equal((await cli(dir, ['add', 'old.yaml'])).code, 0);
  const moved = await cli(dir, ['add', 'fixed.yaml', '--move-pending']);
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /^s: 1 runs planned: 0 added, 1 PENDING moved to version 2$/m);
  assert.match(moved.stdout, /^s: 1 PENDING run of an earlier version keeps it \(this grid does not plan them\)$/m);

  assert.equal((await cli(dir, ['worker'], { env })).code, 0);
  assert.equal((await cli(dir, ['logs', '1'])).stdout, 'stdout| fixed 1\n');
  assert.equal((await cli(dir, ['logs', '2'])).stdout, 'stdout| old 2\n');
  assert.equal((await cli(dir, ['show', '3'])).code, 2, 'no third run');
});

test('a changed setting plans the runs anew; the results of the old value stay, found by query', async (t) => {
  // The run's result is its setting k, sent on the fd-3 channel.
  const dir = await project(
    t,
    String.raw`name: s
parameters:
  p: [1]
settings:
  k: 1
command: [sh, -c, 'printf ''{{"type": "result", "value": {{"k": %s}}}}\n'' {k} >&3']
`,
  );
  const first = await cli(dir, ['run', 'sweep.yaml'], { env });
  assert.equal(first.code, 0, first.stderr);

  const changed = await cli(dir, ['run', 'sweep.yaml', 'k=2'], { env });
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stderr, /^labbook: s: spec version 2, changed since version 1: settings\.k: 1 → 2$/m);
  assert.match(
    changed.stderr,
    /^labbook: s: 1 runs planned: 1 added \(1 anew: the runs of their parameters have other settings or another command, and stay in the store as they are\)$/m,
  );

  const store = await projectStore(t, dir);
  assert.deepEqual(
    (await store.listRuns({})).map((run) => [run.id, run.state, run.specVersion, run.result]),
    [
      [1, 'COMPLETED', 1, { k: 1 }],
      [2, 'COMPLETED', 2, { k: 2 }],
    ],
  );
  const old = await cli(dir, ['ls', '--json', 'settings.k == 1']);
  assert.deepEqual(
    (jsonLines(old.stdout) as { id: number }[]).map((run) => run.id),
    [1],
  );

  const back = await cli(dir, ['run', 'sweep.yaml', '--report', 'report.json'], { env });
  assert.match(
    back.stderr,
    /^labbook: s: 1 runs planned: 0 added, 1 already COMPLETED \(cached\)$/m,
    'the old value again: its run is the cache',
  );
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { runs: Array<{ id: number }> };
  assert.deepEqual(
    report.runs.map((run) => run.id),
    [1],
    "the report's runs are those of the spec's settings",
  );
});

test('a run queued with another setting does not stand for the changed one: both run', async (t) => {
  const dir = await project(t, 'name: s\nparameters:\n  p: [1]\nsettings:\n  k: 1\ncommand: echo k={k}\n');
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const changed = await cli(dir, ['add', 'sweep.yaml', 'k=2']);
  assert.match(changed.stdout, /^s: 1 runs planned: 1 added \(1 anew: /m);
  assert.equal((await cli(dir, ['worker'], { env })).code, 0);
  assert.equal((await cli(dir, ['logs', '1'])).stdout, 'stdout| k=1\n');
  assert.equal((await cli(dir, ['logs', '2'])).stdout, 'stdout| k=2\n');
});

test('a change that alters no result (a timeout) keeps the completed runs as the cache', async (t) => {
  const dir = await project(t, 'name: s\nparameters:\n  p: [1, 2]\ncommand: "true"\n');
  assert.equal((await cli(dir, ['run', 'sweep.yaml'], { env })).code, 0);
  writeSpec(dir, 'name: s\nparameters:\n  p: [1, 2]\ncommand: "true"\ntimeout: 10m\nretries: 2\n');
  const again = await cli(dir, ['add', 'sweep.yaml']);
  assert.equal(
    again.stdout,
    's: spec version 2, changed since version 1: retries: 0 → 2; timeout added: "10m"\ns: 2 runs planned: 0 added, 2 already COMPLETED (cached)\n',
  );
});
