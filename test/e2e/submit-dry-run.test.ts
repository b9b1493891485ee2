import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { writeSpec } from '../helpers/specs.js';

const SPEC = 'name: cv\nparameters:\n  x: [1, 2, 3]\nresources: {cpus: 2, memory: 1G, gpus: 1}\ncommand: echo {x}\n';

test('submit --dry-run prints the script and the command, and submits and adds nothing', async (t) => {
  const dir = await project(t, SPEC);
  const result = await cli(dir, ['submit', 'sweep.yaml', '--scheduler', 'sge', '--workers', '3', '--time', '1:00:00', '--dry-run'], {
    env: processEnv({ PATH: '/nonexistent' }), // no qsub here: a dry run does not need it
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^#!\/bin\/bash\n#\$ -N cv\n#\$ -t 1-3\n/);
  assert.match(result.stdout, /#\$ -pe smp 2\n#\$ -l h_vmem=512M\n#\$ -l gpu=1\n#\$ -l h_rt=1:00:00\n/);
  assert.match(result.stdout, new RegExp(`exec \\S+ \\S+labbook\\.js --store ${join(dir, '.labbook')} worker -e cv -j 1\\n`));
  assert.match(result.stdout, new RegExp(`# submit with:\\n# qsub -terse ${join(dir, '.labbook', 'jobs')}/cv-\\d+\\.sh\\n$`));
  assert.equal((await (await projectStore(t, dir)).listRuns({})).length, 0);
  assert.equal(existsSync(join(dir, '.labbook', 'jobs')), false);

  const json = await cli(dir, ['submit', 'sweep.yaml', '--scheduler', 'lsf', '--dry-run', '--json'], { env: processEnv() });
  const printed = JSON.parse(json.stdout) as { scheduler: string; script: string; command: string };
  assert.equal(printed.scheduler, 'lsf');
  assert.match(printed.script, /#BSUB -J cv\[1-1\]/);
  assert.match(printed.command, /^bsub < /);
});

test('submit without the scheduler installed exits 3 and names the command, the store untouched', async (t) => {
  const dir = await project(t, SPEC);
  const result = await cli(dir, ['submit', 'sweep.yaml', '--workers', '2', '--json'], { env: processEnv({ PATH: '/nonexistent' }) });
  assert.equal(result.code, 3, result.stderr);
  const error = JSON.parse(result.stderr) as { code: string; message: string };
  assert.equal(error.code, 'LB_SCHEDULER_UNAVAILABLE');
  assert.match(error.message, /^sbatch: no such command here/);
  assert.equal((await (await projectStore(t, dir)).listRuns({})).length, 0);
});

test('submit refuses what only some schedulers take, and specs with nothing for workers to run, before any write', async (t) => {
  const dir = await project(t, SPEC);
  writeSpec(dir, 'name: queued\nparameters: {x: [1]}\n', 'queued.yaml');
  const cases: Array<[string[], number, RegExp]> = [
    [['submit', 'sweep.yaml', '--scheduler', 'pbs', '--gres', 'gpu:1', '--dry-run'], 2, /--gres is Slurm's/],
    [['submit', 'sweep.yaml', '--scheduler', 'condor', '--dry-run'], 2, /use one of slurm, sge, pbs, lsf, oar/],
    [['submit', 'sweep.yaml', '--workers', '0', '--dry-run'], 2, /--workers '0' is not a whole number of at least 1/],
    [['submit', 'queued.yaml', '--dry-run'], 2, /need something to execute/],
    [['submit', 'sweep.yaml', '--preempt-grace', 'soon', '--dry-run'], 2, /--preempt-grace 'soon' is not a duration/],
  ];
  for (const [args, code, message] of cases) {
    const result = await cli(dir, args, { env: processEnv() });
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  assert.equal((await (await projectStore(t, dir)).listRuns({})).length, 0);
});

test('jobs and cancel --jobs on a store that submitted nothing say so', async (t) => {
  const dir = await project(t, SPEC);
  const listed = await cli(dir, ['jobs'], { env: processEnv() });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^No jobs submitted from this store/);
  const cancelled = await cli(dir, ['cancel', '--jobs', '--json'], { env: processEnv() });
  assert.deepEqual(JSON.parse(cancelled.stdout), { cancelledJobs: [] });
  const unknown = await cli(dir, ['cancel', '--jobs', '123'], { env: processEnv() });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /job 123 was not submitted from this store/);
});

test("sub --dry-run keeps the script's own directives and plans one task per combination, each running one run", async (t) => {
  const dir = await project(t);
  writeFileSync(join(dir, 'train job.sh'), '#!/bin/bash\n#SBATCH --time=1-00:10:00\n#SBATCH --ntasks=1\npython main.py "$@"\n');
  const result = await cli(dir, ['sub', 'train job.sh', 'lr=10.,1.', 'seed=1,2', '--preempt-grace', '45s', '--dry-run'], {
    env: processEnv(),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /#SBATCH --job-name=train-job\n#SBATCH --array=0-3\n/);
  assert.match(result.stdout, /#SBATCH --chdir=\S+\n#SBATCH --time=1-00:10:00\n#SBATCH --ntasks=1\n/);
  assert.match(result.stdout, / worker -e train-job -j 1 --max-runs 1 --preempt-grace 45s\n/);
  assert.equal((await (await projectStore(t, dir)).listRuns({})).length, 0);

  const bad = await cli(dir, ['sub', 'train job.sh', 'lr=', '--dry-run'], { env: processEnv() });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /lr=.*no value after '='/);
  const missing = await cli(dir, ['sub', 'nope.sh', 'lr=1', '--dry-run'], { env: processEnv() });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.sh: no such/);
});
