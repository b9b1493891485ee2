import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { commitAll, initRepository } from '../helpers/git-repo.js';
import { preemptibleTraining } from '../helpers/preemptible-training.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { slurmTest } from '../helpers/slurm.js';
import { writeSpec } from '../helpers/specs.js';
import { waitUntil } from '../helpers/wait.js';

// One file, so that its tests run one after the other: they share the cluster's two CPUs.

interface JobRow {
  task: string;
  job: string;
  state: string;
}

const ENDED = ['FINISHED', 'COMPLETED', 'CANCELLED', 'FAILED'];
const env = processEnv();

async function jobs(dir: string): Promise<JobRow[]> {
  const result = await cli(dir, ['jobs', '--json'], { env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as JobRow[];
}

async function submit(dir: string, args: string[]): Promise<{ jobIds: string[]; tasks: string[] }> {
  const result = await cli(dir, ['submit', ...args, '--json'], { env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as { jobIds: string[]; tasks: string[] };
}

/** Waits until every task of the project's jobs has ended, so that the next test has the CPUs. */
async function allJobsEnded(dir: string): Promise<void> {
  await waitUntil(async () => (await jobs(dir)).every((row) => ENDED.includes(row.state)), {
    timeoutMs: 120_000,
    intervalMs: 500,
    message: 'the jobs to end',
  });
}

/** A command that reports its x as its result over fd 3. */
const RESULT_IS_X = `sh -c 'echo "{{\\"type\\":\\"result\\",\\"value\\":$0}}" >&3' {x}`;

slurmTest('labbook submit: a 100-run grid on 4 array workers all COMPLETED, and labbook jobs showed the jobs', async (t) => {
  const dir = await project(t);
  writeSpec(dir, `name: grid\nparameters:\n  x: range(100)\ncommand: ${RESULT_IS_X}\n`);
  const submitted = await submit(dir, ['sweep.yaml', '--workers', '4']);
  assert.equal(submitted.jobIds.length, 1);
  const [jobId] = submitted.jobIds as [string];
  assert.deepEqual(
    submitted.tasks,
    [0, 1, 2, 3].map((task) => `${jobId}_${task}`),
  );

  const listed = await jobs(dir);
  assert.deepEqual(
    listed.map((row) => [row.task, row.job]),
    submitted.tasks.map((task) => [task, jobId]),
  );
  assert.ok(
    listed.some((row) => !['FINISHED'].includes(row.state)),
    `squeue listed none of the tasks: ${JSON.stringify(listed)}`,
  );

  const store = await projectStore(t, dir);
  await waitUntil(async () => (await store.listRuns({ experiments: ['grid'], states: ['COMPLETED'] })).length === 100, {
    timeoutMs: 300_000,
    intervalMs: 500,
    message: '100 COMPLETED runs',
  });
  const runs = await store.listRuns({ experiments: ['grid'] });
  assert.deepEqual(
    runs.map((run) => [run.state, run.result]),
    runs.map((run) => ['COMPLETED', run.params.x]),
  );
  await allJobsEnded(dir);
});

slurmTest("a job scancel'led mid-run gives its run back: another worker completes it, no retry spent", async (t) => {
  const dir = await project(t);
  // Each run takes a few seconds. scancel's TERM reaches the shell and its sleep alike: whichever
  // dies first, the run must not report a result (a sleep killed first makes `wait` fail).
  const slow = `sh -c 'sleep 3 & wait $! || exit 143; echo "{{\\"type\\":\\"result\\",\\"value\\":$0}}" >&3' {x}`;
  writeSpec(dir, `name: slow\nparameters:\n  x: range(6)\ncommand: ${slow}\n`);
  const store = await projectStore(t, dir);
  const first = await submit(dir, ['sweep.yaml', '--workers', '1']);
  const held = await waitUntil(async () => (await store.listRuns({ experiments: ['slow'], states: ['RUNNING'] }))[0], {
    timeoutMs: 60_000,
    intervalMs: 100,
    message: "the first job's worker to start a run",
  });
  const cancelledWorker = held.workerId;
  // The second worker comes up before the first goes, to take the run back.
  const second = await submit(dir, ['sweep.yaml', '--workers', '1']);
  await waitUntil(async () => (await jobs(dir)).find((row) => row.job === second.jobIds[0])?.state === 'RUNNING', {
    timeoutMs: 60_000,
    intervalMs: 100,
    message: 'the second job to run',
  });
  const stillHeld = await store.listRuns({ experiments: ['slow'], states: ['RUNNING'] });
  const victims = stillHeld.filter((run) => run.workerId === cancelledWorker);
  assert.ok(victims.length > 0, 'the first worker holds a run when it is cancelled');
  const scancel = spawnSync('scancel', first.jobIds, { encoding: 'utf8' });
  assert.equal(scancel.status, 0, scancel.stderr);

  await waitUntil(async () => (await store.listRuns({ experiments: ['slow'], states: ['COMPLETED'] })).length === 6, {
    timeoutMs: 120_000,
    intervalMs: 250,
    message: 'all 6 runs COMPLETED',
  });
  for (const victim of victims) {
    const run = (await store.listRuns({ experiments: ['slow'] })).find((r) => r.id === victim.id);
    assert.equal(run?.state, 'COMPLETED');
    assert.equal(run?.failures, 0, 'giving the run back spent no retry');
    assert.equal(run?.losses, 0, 'the run was given back, not lost');
    const events = await store.listRunEvents(victim.id);
    const given = events.find((event) => event.workerId === cancelledWorker && event.toState === 'PENDING');
    assert.ok(given, `the cancelled worker gave run ${victim.id} back: ${JSON.stringify(events)}`);
    const completed = events.find((event) => event.toState === 'COMPLETED');
    assert.ok(completed && completed.workerId !== cancelledWorker, 'another worker completed it');
  }
  await allJobsEnded(dir);
});

slurmTest('labbook sub of an #SBATCH script with overrides: one COMPLETED run per combination, the directives kept', async (t) => {
  const dir = await project(t);
  // --export is the script's own directive: the run sees SUB_MARK only if Slurm read it.
  const script = [
    '#!/bin/bash',
    '#SBATCH --time=5',
    '#SBATCH --export=ALL,SUB_MARK=kept',
    'echo "{\\"type\\":\\"result\\",\\"value\\":\\"$SUB_MARK $*\\"}" >&3',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'script.sh'), script);
  const result = await cli(dir, ['sub', 'script.sh', 'lr=10.,1.', 'seed=1,2', '--json'], { env });
  assert.equal(result.code, 0, result.stderr);
  const submitted = JSON.parse(result.stdout) as { experiment: string; tasks: string[] };
  assert.equal(submitted.experiment, 'script');
  assert.equal(submitted.tasks.length, 4);

  const store = await projectStore(t, dir);
  await waitUntil(async () => (await store.listRuns({ experiments: ['script'], states: ['COMPLETED'] })).length === 4, {
    timeoutMs: 120_000,
    intervalMs: 250,
    message: '4 COMPLETED runs',
  });
  const results = (await store.listRuns({ experiments: ['script'] })).map((run) => run.result).sort();
  assert.deepEqual(results, ['kept lr=1 seed=1', 'kept lr=1 seed=2', 'kept lr=10 seed=1', 'kept lr=10 seed=2']);
  await allJobsEnded(dir);
});

slurmTest('labbook submit --snapshot: a task that starts after the working tree changed runs the code as submitted', async (t) => {
  const dir = await project(t);
  initRepository(dir);
  writeFileSync(join(dir, 'version.txt'), 'v1\n');
  writeSpec(dir, "name: snapped\nparameters:\n  x: [1]\ncommand: sh -c 'cat version.txt > {run_dir}/seen.txt'\n");
  commitAll(dir, 'v1');
  // The task may start 3 s after the submission at the earliest: the change below comes first.
  await submit(dir, ['sweep.yaml', '--workers', '1', '--snapshot', '--sbatch-arg=--begin=now+3']);
  writeFileSync(join(dir, 'version.txt'), 'v2\n');
  const store = await projectStore(t, dir);
  await waitUntil(async () => (await store.listRuns({ experiments: ['snapped'], states: ['COMPLETED'] })).length === 1, {
    timeoutMs: 120_000,
    intervalMs: 500,
    message: 'the snapshot run to complete',
  });
  const [run] = await store.listRuns({ experiments: ['snapped'] });
  assert.equal(readFileSync(join(dir, '.labbook', 'runs', String(run?.id), 'seen.txt'), 'utf8'), 'v1\n');
  await allJobsEnded(dir);
});

slurmTest(
  "scancel --batch --signal=TERM: the worker alone is signalled, its run that asks 'preempted' checkpoints in the grace period and the next job resumes it",
  async (t) => {
    const dir = await project(t);
    // It polls, and checkpoints only when told (a SIGTERM would leave another marker).
    writeFileSync(join(dir, 'train.py'), preemptibleTraining(40));
    writeSpec(dir, 'name: polled\nparameters:\n  polls: [true]\ncommand: [python3, train.py]\nretries: 0\n');
    const store = await projectStore(t, dir);
    const first = await submit(dir, ['sweep.yaml', '--workers', '1', '--preempt-grace', '1h']);
    await waitUntil(async () => ((await store.readMetrics(1, 'step_done')).at(-1)?.value ?? 0) >= 3, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: 'the run to make three steps',
    });
    const scancel = spawnSync('scancel', ['--batch', '--signal=TERM', ...first.jobIds], { encoding: 'utf8' });
    assert.equal(scancel.status, 0, scancel.stderr);
    await allJobsEnded(dir);

    const given = await store.getRun(1);
    assert.equal(given?.state, 'PENDING');
    assert.equal(given?.failures, 0, 'no retry spent (the spec allows none)');
    assert.equal(given?.losses, 0, 'given back, not lost');
    assert.equal((await store.getCheckpoint(1))?.attempt, 1, 'the run checkpointed when it was told');
    const runDir = join(dir, '.labbook', 'runs', '1');
    assert.ok(existsSync(join(runDir, 'asked')) && !existsSync(join(runDir, 'signalled')), 'told by its answer, not by a signal');
    const saved = (await store.readMetrics(1, 'step_done')).at(-1)?.value as number;

    await submit(dir, ['sweep.yaml', '--workers', '1']);
    await waitUntil(async () => (await store.getRun(1))?.state === 'COMPLETED', {
      timeoutMs: 120_000,
      intervalMs: 250,
      message: 'the run to complete in the second job',
    });
    const run = await store.getRun(1);
    assert.equal(run?.attempt, 2);
    assert.deepEqual(run?.result, { resumed_from: saved });
    await allJobsEnded(dir);
  },
);
