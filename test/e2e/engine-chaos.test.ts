import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { MAX_WORKER_LOSSES } from '../../src/queue/run-state.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { type LabbookProcess, startLabbook } from '../helpers/labbook-process.js';
import { isRunning, processTree } from '../helpers/processes.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { waitUntil } from '../helpers/wait.js';

const RUNS = 200;
const WORKERS = 3;
const KILLS = 8;

/** Each run sleeps a few (pseudo-random) milliseconds, then appends its id to ids.txt. */
const SPEC = `name: chaos
parameters:
  i: range(${RUNS})
command: [sh, -c, 'sleep 0.00$(( ({i} * 7919) % 10 )); echo $LABBOOK_RUN_ID >> ids.txt']
`;

/** Every run COMPLETED, with one COMPLETED transition each in run_events; returns each run's attempt. */
function assertAllCompletedOnce(store: SqliteStore): Array<{ id: number; attempt: number }> {
  const states = store.database.prepare('SELECT state, count(*) AS n FROM runs GROUP BY state').all() as Array<{
    state: string;
    n: number;
  }>;
  assert.deepEqual(
    states.map(({ state, n }) => ({ state, n })),
    [{ state: 'COMPLETED', n: RUNS }],
  );
  const completions = store.database
    .prepare(
      `SELECT r.id, r.attempt, (SELECT count(*) FROM run_events e WHERE e.run_id = r.id AND e.to_state = 'COMPLETED') AS n
       FROM runs r ORDER BY r.id`,
    )
    .all() as Array<{ id: number; attempt: number; n: number }>;
  assert.deepEqual(
    completions.filter((c) => c.n !== 1),
    [],
    'runs whose completion was recorded other than once',
  );
  return completions;
}

/**
 * Every run COMPLETED exactly once (assertAllCompletedOnce), its id appended to ids.txt at
 * least once, and never more often than it was attempted.
 */
function assertEachCompletedOnce(store: SqliteStore, dir: string): void {
  const completions = assertAllCompletedOnce(store);
  const appended = new Map<number, number>();
  for (const line of readFileSync(join(dir, 'ids.txt'), 'utf8').split('\n').filter(Boolean)) {
    appended.set(Number(line), (appended.get(Number(line)) ?? 0) + 1);
  }
  for (const { id, attempt } of completions) {
    const times = appended.get(id) ?? 0;
    assert.ok(times >= 1, `run ${id} completed without having run`);
    assert.ok(times <= attempt, `run ${id} ran ${times} times in ${attempt} attempts`);
  }
  assert.equal(appended.size, RUNS, 'no id in the file that is not a run');
}

/** A project with `spec`'s runs added, its store, and workers started with `args`: `live` holds those still running. */
async function sweepWithWorkers(t: TestContext, spec: string, args: string[], options: { ownProcessGroup?: boolean } = {}) {
  const dir = await project(t, spec);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env: processEnv() })).code, 0);
  const store = await projectStore(t, dir);
  const live = new Set<LabbookProcess>();
  const startWorker = () => {
    const worker = startLabbook(t, dir, args, {}, options);
    live.add(worker);
    void worker.exited.then(() => live.delete(worker));
  };
  for (let i = 0; i < WORKERS; i++) startWorker();
  return { dir, store, live, startWorker };
}

function unfinishedCount(store: SqliteStore): number {
  return (store.database.prepare(`SELECT count(*) AS n FROM runs WHERE state IN ('PENDING', 'RUNNING')`).get() as { n: number }).n;
}

/**
 * Pids of workers that hold a RUNNING run now (worker ids are `host-pid-random`): killing
 * them loses runs. A worker holding a run already lost MAX_WORKER_LOSSES - 1 times is
 * spared: a third loss marks a run FAILED on purpose (a run that kills every worker it
 * lands on must not loop forever), and the killer here would pick such runs again and
 * again, since a reaped run is the first that the next worker claims.
 */
function killableWorkers(store: SqliteStore): Set<number> {
  const owners = store.database
    .prepare(`SELECT lease_owner FROM runs WHERE state = 'RUNNING' GROUP BY lease_owner HAVING max(losses) < ?`)
    .all(MAX_WORKER_LOSSES - 1) as Array<{ lease_owner: string }>;
  return new Set(owners.map((o) => Number(o.lease_owner.split('-').at(-2))));
}

/** A running worker that may be killed now (see killableWorkers), if there is one. */
function victimAmong(store: SqliteStore, live: Set<LabbookProcess>): LabbookProcess | undefined {
  const busy = killableWorkers(store);
  return [...live].find((w) => busy.has(w.pid));
}

test(`chaos: ${RUNS} runs, workers killed with SIGKILL again and again, every run COMPLETED exactly once`, async (t: TestContext) => {
  const { dir, store, live, startWorker } = await sweepWithWorkers(t, SPEC, ['worker', '-j', '2', '--lease', '2s']);

  let kills = 0;
  await waitUntil(
    async () => {
      if (unfinishedCount(store) === 0) return true;
      const victim = victimAmong(store, live);
      if (kills < KILLS && victim) {
        victim.child.kill('SIGKILL');
        await victim.exited;
        kills++;
        await delay(50 + Math.random() * 200);
      }
      // Workers stop when they find nothing to claim; runs of killed ones come back later.
      while (live.size < WORKERS) startWorker();
      return false;
    },
    { timeoutMs: 180_000, intervalMs: 20, message: `the queue drained (${unfinishedCount(store)} of ${RUNS} runs left)` },
  );
  await Promise.all([...live].map((w) => w.exited));

  assert.ok(kills > 0, 'workers were killed while they held runs');
  const lost = store.database.prepare(`SELECT count(*) AS n FROM run_events WHERE reason = 'worker lost'`).get() as { n: number };
  assert.ok(lost.n >= 1, 'killed workers held runs, which were reaped and redone');
  assertEachCompletedOnce(store, dir);
});

test(`chaos: SIGINT of labbook run, then a resume, completes all ${RUNS} runs exactly once`, async (t: TestContext) => {
  const dir = await project(t, SPEC);
  const ids = join(dir, 'ids.txt');
  const appended = () => (existsSync(ids) ? readFileSync(ids, 'utf8').split('\n').length - 1 : 0);
  const first = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s']);
  await waitUntil(() => appended() >= RUNS / 4, { timeoutMs: 120_000, message: `a quarter of the runs done (${first.stderr()})` });
  first.child.kill('SIGINT');
  const exit = await first.exited;
  assert.equal(exit.code, 130, first.stderr());

  const store = await projectStore(t, dir);
  const counts = store.database.prepare('SELECT state, count(*) AS n FROM runs GROUP BY state ORDER BY state').all() as Array<{
    state: string;
    n: number;
  }>;
  assert.deepEqual(
    counts.map((c) => c.state),
    ['COMPLETED', 'PENDING'],
    'the interrupted session finished what it had started and left the rest queued',
  );

  const resume = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2', '--lease', '2s']);
  const resumed = await resume.exited;
  assert.equal(resumed.code, 0, resume.stderr());
  assertEachCompletedOnce(store, dir);
});

/**
 * 200 runs of 0.5 to 2 s. Each notes in `side` its start, that it is about to end (`ending`,
 * 0.2 s before its end), and its end: its one side effect, which must happen once per run.
 */
const GROUP_SPEC = `name: groups
parameters:
  i: range(40)
  d: [0.5, 0.9, 1.3, 1.7, 2.0]
command: [sh, -c, 'n="$LABBOOK_RUN_ID $LABBOOK_ATTEMPT"; echo "start $n" >> side; sleep {d}; echo "ending $n" >> side; sleep 0.2; echo "end $n" >> side']
`;

function sideLines(dir: string): string[] {
  const file = join(dir, 'side');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** The runs the worker with this pid holds now, with their attempt. */
function heldBy(store: SqliteStore, pid: number): Array<{ id: number; attempt: number }> {
  const held = store.database.prepare(`SELECT id, attempt, lease_owner FROM runs WHERE state = 'RUNNING'`).all() as Array<{
    id: number;
    attempt: number;
    lease_owner: string;
  }>;
  return held.filter((run) => Number(run.lease_owner.split('-').at(-2)) === pid);
}

test(`chaos: ${RUNS} runs, workers' whole process groups killed again and again: each run's work done once`, async (t: TestContext) => {
  const args = ['worker', '--wait', '-j', '4', '--lease', '2s'];
  const { dir, store, live, startWorker } = await sweepWithWorkers(t, GROUP_SPEC, args, { ownProcessGroup: true });

  let kills = 0;
  await waitUntil(
    async () => {
      if (unfinishedCount(store) === 0) return true;
      const victim = victimAmong(store, live);
      // A run that finished its work just before the kill could not record it and is redone: that is
      // at-least-once, not the fault looked for here. So no kill while a run of the victim is ending.
      const lines = new Set(sideLines(dir));
      const ending = victim && heldBy(store, victim.pid).some((run) => lines.has(`ending ${run.id} ${run.attempt}`));
      if (kills < KILLS && victim && !ending) {
        const itsProcesses = processTree(victim.pid);
        process.kill(-victim.pid, 'SIGKILL');
        await victim.exited;
        kills++;
        await waitUntil(() => itsProcesses.every((pid) => !isRunning(pid)), {
          timeoutMs: 2_000,
          message: `no process of the killed worker outlives it: ${itsProcesses.filter(isRunning)}`,
        });
        startWorker();
        await delay(500 + Math.random() * 1_000);
      }
      return false;
    },
    { timeoutMs: 240_000, intervalMs: 20, message: `the queue drained (${unfinishedCount(store)} of ${RUNS} runs left)` },
  );
  for (const worker of live) worker.child.kill('SIGINT');
  await Promise.all([...live].map((w) => w.exited));

  assert.ok(kills >= KILLS / 2, `workers were killed while they held runs (${kills} times)`);
  assertAllCompletedOnce(store);
  const ends = new Map<string, number>();
  for (const line of sideLines(dir).filter((l) => l.startsWith('end '))) {
    const run = line.split(' ')[1] as string;
    ends.set(run, (ends.get(run) ?? 0) + 1);
  }
  assert.equal(ends.size, RUNS, 'every run did its work');
  assert.deepEqual(
    [...ends].filter(([, n]) => n > 1),
    [],
    'runs whose work was done more than once (a run killed mid-way leaves a start without an end, and is redone)',
  );
});
