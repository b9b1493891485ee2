import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Study } from '../../src/study/index.js';
import { cli } from '../helpers/cli.js';
import { processEnv, project, projectStore } from '../helpers/project.js';

const env = processEnv();

// The grid's order follows from --seed 1: some trials come after a better one and ASHA stops them.
// Reports (x - 0.3)² at steps 0..3 through should_prune (fd 3), stops when told to, fails for x < -0.9.
const EVALUATE = `import json, os, sys
x, shift = float(sys.argv[1]), float(sys.argv[2])
if x < -0.9:
    sys.exit("diverged")
channel = os.fdopen(3, "r+b", buffering=0)
def should_prune(step, value):
    channel.write((json.dumps({"id": step + 1, "type": "should_prune", "step": step, "value": value}) + "\\n").encode())
    line = b""
    while not line.endswith(b"\\n"):
        line += channel.read(1)
    return json.loads(line)["value"]
loss = (x - 0.3) ** 2 + shift
for step in range(4):
    if should_prune(step, loss * (4 - step)):
        sys.exit(0)
channel.write((json.dumps({"type": "result", "value": {"loss": loss}}) + "\\n").encode())
`;

function writeProject(dir: string, search: string): void {
  writeFileSync(join(dir, 'evaluate.py'), EVALUATE);
  writeFileSync(
    join(dir, 'quad.yaml'),
    `name: quad\ncommand: python3 evaluate.py {x} {shift}\nparameters:\n  shift: [1]\nsearch:\n  x: ${search}\n`,
  );
}

async function trialsOf(dir: string, t: test.TestContext) {
  const store = await projectStore(t, dir);
  const study = await Study.load(store, 'quad');
  return { store, trials: await study.trials() };
}

test('labbook tune: each trial a queued run of the spec, told back; run again, the study resumes', async (t) => {
  const dir = await project(t);
  writeProject(dir, '{uniform: [-0.5, 1]}');
  const first = await cli(dir, ['tune', 'quad.yaml', '--trials', '8', '--objective', 'loss', '-j', '2', '--seed', '5', '--json'], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout).counts, { RUNNING: 0, COMPLETE: 8, PRUNED: 0, FAILED: 0 });
  const resumed = await cli(dir, ['tune', 'quad.yaml', '--trials', '11', '--objective', 'loss', '-j', '2', '--json'], { env });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).seed, 5, 'the study resumed with its seed');

  const { store, trials } = await trialsOf(dir, t);
  assert.deepEqual(
    trials.map((trial) => [trial.number, trial.state]),
    Array.from({ length: 11 }, (_, i) => [i, 'COMPLETE']),
  );
  const runs = await store.listRuns({ experiments: ['quad'] });
  assert.deepEqual(
    runs.map((run) => [run.id, run.state, run.params, run.specVersion, (run.result as { loss: number }).loss]),
    trials.map((trial) => [trial.runId, 'COMPLETED', { shift: 1, ...trial.params }, 1, trial.values?.[0]]),
  );
});

test('labbook tune tells a failed run FAILED and a run its pruner stops PRUNED (its run CANCELLED)', async (t) => {
  const dir = await project(t);
  writeProject(dir, '{categorical: [-0.95, 0.3, 0.9, 1.0, 0.8, 0.7]}');
  const tuned = await cli(
    dir,
    ['tune', 'quad.yaml', '--trials', '6', '--sampler', 'grid', '--pruner', 'asha', '--objective', 'loss', '-j', '1', '--seed', '1'],
    {
      env,
    },
  );
  assert.equal(tuned.code, 0, tuned.stderr);
  const { store, trials } = await trialsOf(dir, t);
  const byX = new Map(trials.map((trial) => [trial.params.x, trial]));
  assert.equal(byX.get(-0.95)?.state, 'FAILED');
  assert.equal(
    byX.get(0.3)?.state === 'PRUNED' || byX.get(0.3)?.state === 'COMPLETE',
    true,
    'the best one is never pruned at its first rung',
  );
  const pruned = trials.filter((trial) => trial.state === 'PRUNED');
  assert.ok(pruned.length > 0, JSON.stringify(trials.map((trial) => [trial.params.x, trial.state])));
  for (const trial of pruned) {
    const run = await store.getRun(trial.runId);
    assert.deepEqual([run?.state, run?.failureReason], ['CANCELLED', 'pruned']);
    assert.ok((trial.intermediate?.length ?? 0) > 0);
  }
  const refused = await cli(dir, ['add', 'quad.yaml'], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /run by 'labbook tune quad.yaml'/);
});

test('labbook tune over a grid and seeds: a study per cell, each trial told the mean over its seeds', async (t) => {
  const dir = await project(t);
  // The loss of seed s is (x - 0.3)² + shift + s / 2: over seeds 0 and 1, the mean adds 0.25.
  writeFileSync(
    join(dir, 'seeded.py'),
    `import json, os, sys
x, shift, seed = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
os.write(3, (json.dumps({"type": "result", "value": {"loss": (x - 0.3) ** 2 + shift + seed / 2}}) + "\\n").encode())
`,
  );
  writeFileSync(
    join(dir, 'quad.yaml'),
    'name: quad\ncommand: python3 seeded.py {x} {shift} {seed}\nparameters:\n  shift: [1, 2]\nseeds: 2\nsearch:\n  x: {uniform: [-0.5, 1]}\n',
  );
  const tuned = await cli(dir, ['tune', 'quad.yaml', '--trials', '3', '--objective', 'loss', '-j', '2', '--seed', '4', '--json'], { env });
  assert.equal(tuned.code, 0, tuned.stderr);
  const reports = JSON.parse(tuned.stdout) as Array<{ study: string; counts: { COMPLETE: number } }>;
  assert.deepEqual(
    reports.map((report) => [report.study, report.counts.COMPLETE]),
    [
      ['quad/shift=1', 3],
      ['quad/shift=2', 3],
    ],
  );
  const store = await projectStore(t, dir);
  const runs = await store.listRuns({ experiments: ['quad'] });
  assert.equal(runs.length, 12, '2 cells × 3 trials × 2 seeds');
  assert.ok(runs.every((run) => run.state === 'COMPLETED'));
  for (const shift of [1, 2]) {
    const trials = await (await Study.load(store, `quad/shift=${shift}`)).trials();
    for (const trial of trials) {
      const x = trial.params.x as number;
      assert.ok(Math.abs((trial.values?.[0] as number) - ((x - 0.3) ** 2 + shift + 0.25)) < 1e-12, JSON.stringify(trial));
      const seeds = runs.filter((run) => run.params.x === x && run.params.shift === shift).map((run) => run.params.seed);
      assert.deepEqual(seeds.sort(), [0, 1], 'one run per seed');
      assert.equal((await store.getRun(trial.runId))?.params.seed, 0, "the trial's own run is the first seed's");
    }
  }
});
