import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { MAX_WORKER_LOSSES } from '../../src/queue/run-state.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { type LabbookProcess, startLabbook } from '../helpers/labbook-process.js';
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

/**
 * Every run COMPLETED exactly once: one COMPLETED transition each in run_events, its id
 * appended at least once, and never more often than it was attempted.
 */
function assertEachCompletedOnce(store: SqliteStore, dir: string): void {
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

test(`chaos: ${RUNS} runs, workers killed with SIGKILL again and again, every run COMPLETED exactly once`, async (t: TestContext) => {
  const dir = await project(t, SPEC);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env: processEnv() })).code, 0);
  const store = await projectStore(t, dir);
  const live = new Set<LabbookProcess>();
  const startWorker = () => {
    const worker = startLabbook(t, dir, ['worker', '-j', '2', '--lease', '2s']);
    live.add(worker);
    void worker.exited.then(() => live.delete(worker));
  };
  for (let i = 0; i < WORKERS; i++) startWorker();

  let kills = 0;
  await waitUntil(
    async () => {
      if (unfinishedCount(store) === 0) return true;
      const busy = killableWorkers(store);
      const victim = [...live].find((w) => busy.has(w.pid));
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
