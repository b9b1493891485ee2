import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
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
