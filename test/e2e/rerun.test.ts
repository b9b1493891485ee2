import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { commitAll, initRepository } from '../helpers/git-repo.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { writeSpec } from '../helpers/specs.js';

/** A deterministic training: its losses follow from lr and seed alone (and from `drift`, the code's version). */
const trainingCode = (drift: number) => `
import json, os, random
params = json.loads(os.environ["LABBOOK_PARAMS"])
rng = random.Random(params["seed"])
channel = os.fdopen(3, "w")
loss = 1.0
for step in range(20):
    loss = loss * (1 - params["lr"]) + rng.random() * 0.01 + ${drift}
    channel.write(json.dumps({"type": "metrics", "values": {"loss": loss, "noise": rng.gauss(0, 1)}, "step": step}) + "\\n")
channel.write(json.dumps({"type": "result", "value": {"final": loss}}) + "\\n")
channel.close()
`;

const SPEC = 'name: train\nparameters:\n  lr: [0.1, 0.3]\nseeds: 2\ncommand: python3 train.py\ncode: {snapshot: true}\n';

test('labbook rerun re-executes a finished run with its code snapshot, parameters and seed: the metrics are the same', async (t) => {
  const dir = await project(t);
  writeSpec(dir, SPEC);
  writeFileSync(join(dir, 'train.py'), trainingCode(0));
  initRepository(dir);
  commitAll(dir, 'training');
  const env = processEnv();
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '2'], { env });
  assert.equal(run.code, 0, run.stderr);
  // The code changes after the run: the rerun still executes the snapshot the run had.
  writeFileSync(join(dir, 'train.py'), trainingCode(0.5));
  commitAll(dir, 'drift');

  const rerun = await cli(dir, ['rerun', '3'], { env });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.equal(rerun.stdout, 'run 5 (rerun of run 3): COMPLETED\n');
  assert.match(rerun.stderr, /^labbook: run 5: rerun of run 3 \(train, spec version 1, commit [0-9a-f]{12}\)$/m);

  const store = await projectStore(t, dir);
  const [original, again] = [(await store.getRun(3))!, (await store.getRun(5))!];
  assert.deepEqual(again.params, original.params);
  assert.equal(again.specVersion, original.specVersion);
  assert.deepEqual(again.result, original.result);
  for (const key of ['loss', 'noise']) {
    const series = async (runId: number) => (await store.readMetrics(runId, key)).map((point) => [point.step, point.value]);
    const originalSeries = await series(3);
    assert.equal(originalSeries.length, 20);
    assert.deepEqual(await series(5), originalSeries, key);
  }
  assert.equal(await store.rerunOf(5), 3);
  assert.equal(await store.rerunOf(3), undefined);
  const shown = (await cli(dir, ['show', '5'])).stdout;
  assert.match(shown, /^ {2}code {6}commit [0-9a-f]{40}, snapshot code\/[0-9a-f]{40}$/m);
  assert.match(shown, /^ {2}rerun of {2}run 3$/m);
  assert.match(shown, /PENDING\s+0\s+-\s+rerun of run 3$/m);
  // The original is left as it was; the grid's other runs were not executed again.
  assert.equal((await store.listRuns({ states: ['COMPLETED'] })).length, 5);
});

test('rerun refuses what it cannot execute again, and says when the code is not recorded', async (t) => {
  const dir = await project(t, 'name: plain\nparameters:\n  p: [1, 2]\ncommand: "true"\n');
  const env = processEnv();
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const pending = await cli(dir, ['rerun', '1'], { env });
  assert.equal(pending.code, 2);
  assert.equal(pending.stderr, 'labbook: run 1 is PENDING: rerun executes a finished run (COMPLETED or FAILED) again\n');

  assert.equal((await cli(dir, ['worker'], { env })).code, 0);
  const unrecorded = await cli(dir, ['rerun', '1'], { env });
  assert.equal(unrecorded.code, 0, unrecorded.stderr);
  assert.match(unrecorded.stderr, /run 1 was added without a code snapshot: the rerun executes the code as it is now/);
  assert.equal((await cli(dir, ['rerun', '404'], { env })).code, 2);
});
