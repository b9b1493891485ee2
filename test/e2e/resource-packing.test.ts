import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { writeSpec } from '../helpers/specs.js';

/**
 * A run that records what it was given: the devices it sees, whether another run held one of
 * them at the same time (each device is a lock file, created exclusively while the run holds
 * it), and how many runs were running when it started (a file each in running/).
 */
const PROBE = `
import os, sys, time
i = sys.argv[1]
devices = os.environ.get("CUDA_VISIBLE_DEVICES")
os.makedirs("running", exist_ok=True)
open(os.path.join("running", i), "w").close()
held, clashes = [], []
for device in (devices or "").split(","):
    if not device:
        continue
    try:
        os.close(os.open(os.path.join("locks", device), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        held.append(device)
    except FileExistsError:
        clashes.append(device)
alongside = len(os.listdir("running"))
time.sleep(0.3)
for device in held:
    os.remove(os.path.join("locks", device))
os.remove(os.path.join("running", i))
with open(os.path.join("seen", i), "w") as out:
    out.write(repr({"devices": devices, "clashes": clashes, "alongside": alongside}))
`;

function probeProject(dir: string, resources: string): void {
  writeFileSync(join(dir, 'probe.py'), PROBE);
  for (const sub of ['locks', 'seen', 'running']) mkdirSync(join(dir, sub));
  writeSpec(dir, `name: packed\nparameters:\n  i: [0, 1, 2, 3, 4, 5, 6, 7]\nresources: ${resources}\ncommand: python3 probe.py {i}\n`);
}

interface Seen {
  devices: string | null;
  clashes: string[];
  alongside: number;
}

function seenByRuns(dir: string): Seen[] {
  return readdirSync(join(dir, 'seen'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, 'seen', file), 'utf8')
        .replace(/'/g, '"')
        .replace(/None/g, 'null');
      return JSON.parse(text) as Seen;
    });
}

test('8 runs with gpus: 1 on 4 listed devices never hold the same device at once, and each sees exactly one', async (t) => {
  const dir = await project(t);
  probeProject(dir, '{gpus: 1}');
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '8', '--gpus', '0,1,2,3'], { env: processEnv() });
  assert.equal(run.code, 0, run.stderr);

  const seen = seenByRuns(dir);
  assert.equal(seen.length, 8);
  for (const { devices, clashes, alongside } of seen) {
    assert.match(devices ?? '', /^[0-3]$/, 'each run sees exactly one of the listed devices');
    assert.deepEqual(clashes, [], 'no other run held its device at the same time');
    assert.ok(alongside <= 4, `at most 4 runs at once (one started beside ${alongside - 1} others)`);
  }
});

test('runs are packed by CPUs too; a spec that names no gpus leaves CUDA_VISIBLE_DEVICES as the worker has it', async (t) => {
  const dir = await project(t);
  probeProject(dir, '{cpus: 2}');
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '8', '--cpus', '4'], { env: processEnv({ CUDA_VISIBLE_DEVICES: '7' }) });
  assert.equal(run.code, 0, run.stderr);
  for (const { devices, alongside } of seenByRuns(dir)) {
    assert.equal(devices, '7');
    assert.ok(alongside <= 2, `at most 2 runs of 2 CPUs on 4 (one started beside ${alongside - 1} others)`);
  }
});

test('a spec asking for more than the machine has is refused at add and run with the figures; nothing is written', async (t) => {
  const dir = await project(t);
  probeProject(dir, '{gpus: 5, cpus: 2}');
  for (const command of ['add', 'run']) {
    const refused = await cli(dir, [command, 'sweep.yaml', '--gpus', '0,1,2,3'], { env: processEnv() });
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(
      refused.stderr,
      'labbook: packed: each run asks for 5 GPUs (this machine has 4: 0,1,2,3); nothing was changed. Ask for less under ' +
        'resources:, describe the machine (--cpus, --memory, --gpus 0,1,2,3), or run it where there is enough.\n',
    );
  }
  const cpus = await cli(dir, ['add', 'sweep.yaml', '--gpus', '0,1,2,3,4', '--cpus', '1'], { env: processEnv() });
  assert.equal(cpus.code, 2);
  assert.match(cpus.stderr, /each run asks for 2 CPUs \(this machine has 1\)/);
  const store = await projectStore(t, dir);
  assert.deepEqual(await store.listExperiments(), []);
});

test('a worker gives back untouched the runs that can never fit its machine', async (t) => {
  const dir = await project(t);
  probeProject(dir, '{gpus: 2}');
  assert.equal((await cli(dir, ['add', 'sweep.yaml', '--gpus', '0,1'], { env: processEnv() })).code, 0);
  const worker = await cli(dir, ['worker', '--gpus', '0'], { env: processEnv() });
  assert.equal(worker.code, 0, worker.stderr);
  assert.match(worker.stderr, /packed: each run asks for 2 GPUs \(this machine has 1: 0\)/);
  const store = await projectStore(t, dir);
  const runs = await store.listRuns({});
  assert.deepEqual(
    runs.map((run) => [run.state, run.attempt]),
    runs.map(() => ['PENDING', 0]),
  );
});
