import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TrialRecord } from '../../../src/domain/study.js';
import { openStore } from '../../../src/store/open-store.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/types.js';
import { Study } from '../../../src/study/index.js';
import { repoPath } from '../../helpers/paths.js';
import { freshDatabase, postgresAvailable } from '../../helpers/postgres.js';
import { QUADRATIC } from '../../helpers/quadratic-study.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitUntil } from '../../helpers/wait.js';

interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: Array<{ asked?: number; told?: number; holding?: number }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWorker(storeRef: string, target: number, leaseMs: number, options: { hold?: number; barrier?: string } = {}): Worker {
  const args = [repoPath('dist', 'test', 'fixtures', 'study-worker.js'), storeRef, QUADRATIC.name, String(target), String(leaseMs)];
  const env = { ...process.env, ...(options.barrier && { STUDY_BARRIER: `${options.barrier}:2` }) };
  const child = spawn(process.execPath, options.hold === undefined ? args : [...args, String(options.hold)], { env });
  const lines: Worker['lines'] = [];
  let pending = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) lines.push(JSON.parse(line));
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, lines, exited };
}

const told = (worker: Worker) => worker.lines.flatMap((line) => (line.told === undefined ? [] : [line.told]));

/** A store that worker processes open by reference: an SQLite store's directory, or a new PostgreSQL database's URL. */
type SharedStore = (t: test.TestContext) => Promise<{ reference: string; store: Store }>;

const sharedSqlite: SharedStore = async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  return { reference: dir, store };
};

const sharedPostgres: SharedStore = async (t) => {
  const url = await freshDatabase(t);
  const store = await PostgresStore.open(url, { objectsDir: tempDir(t) });
  t.after(() => store.close());
  return { reference: url, store };
};

async function newStudy(t: test.TestContext, shared: SharedStore): Promise<{ reference: string; store: Store }> {
  const opened = await shared(t);
  await (await Study.create(opened.store, { ...QUADRATIC, sampler: { name: 'tpe', options: { nStartupTrials: 5 } } })).close();
  return opened;
}

/** Every trial COMPLETE, numbered 0…n-1, each with its own run, told by exactly one of the workers. */
async function assertNothingLostOrDuplicated(store: Store, tellers: number[][]): Promise<number> {
  const study = await Study.load(store, QUADRATIC.name);
  const trials = await study.trials();
  assert.deepEqual(
    trials.map((trial) => trial.number),
    trials.map((_, i) => i),
  );
  assert.deepEqual(
    trials.filter((trial) => trial.state !== 'COMPLETE').map((trial) => trial.number),
    [],
    'none left RUNNING',
  );
  const allTold = tellers.flat().sort((a, b) => a - b);
  assert.deepEqual(
    allTold,
    trials.map((trial) => trial.number),
    'each trial told once, by one worker',
  );
  const runs = await store.listRuns({ experiments: [QUADRATIC.experiment] });
  assert.deepEqual(
    runs.map((run) => [run.id, run.state]),
    trials.map((trial) => [trial.runId, 'COMPLETED']),
  );
  return trials.length;
}

const backends: Array<[string, SharedStore]> = [['sqlite', sharedSqlite]];
if (postgresAvailable('shared studies')) backends.push(['postgres', sharedPostgres]);

for (const [backend, shared] of backends) {
  describe(`shared studies (${backend})`, () => {
    test('two worker processes sharing one study get distinct trials and lose none', async (t) => {
      const { reference, store } = await newStudy(t, shared);
      const barrier = tempDir(t);
      const workers = [startWorker(reference, 40, 5_000, { barrier }), startWorker(reference, 40, 5_000, { barrier })];
      for (const worker of workers) {
        const exit = await worker.exited;
        assert.equal(exit.code, 0, exit.stderr);
      }
      const count = await assertNothingLostOrDuplicated(store, workers.map(told));
      assert.ok(count >= 40);
      assert.ok(
        workers.every((worker) => told(worker).length > 0),
        'both workers took part',
      );
    });

    test('each connection sees the asks and tells of the other at its next ask, as one connection alone would', async (t) => {
      const { reference, store } = await newStudy(t, shared);
      const other = await openStore({ store: reference, cwd: process.cwd() });
      t.after(() => other.close());
      const [first, second] = [await Study.load(store, QUADRATIC.name), await Study.load(other, QUADRATIC.name)];
      const loss = (trial: TrialRecord) => ((trial.params.x as number) - 0.3) ** 2;
      // Each trial asked on one connection and told on the other: a connection that missed the
      // other's changes would hand out a number twice, or propose from a trial RUNNING that is told.
      for (let i = 0; i < 12; i++) {
        const [asker, teller] = i % 2 ? [second, first] : [first, second];
        const trial = (await asker.ask()) as TrialRecord;
        await teller.tell(trial.number, { state: 'COMPLETE', values: [loss(trial)] });
      }
      const alone = await Study.load((await newStudy(t, shared)).store, QUADRATIC.name);
      for (let i = 0; i < 12; i++) {
        const trial = (await alone.ask()) as TrialRecord;
        await alone.tell(trial.number, { state: 'COMPLETE', values: [loss(trial)] });
      }
      const seen = async (study: Study) => (await study.trials()).map((trial) => [trial.number, trial.state, trial.params, trial.values]);
      assert.deepEqual(await seen(first), await seen(alone));
      assert.deepEqual(await seen(second), await seen(alone));
      for (const study of [first, second, alone]) await study.close();
    });

    test('a study resumes after its worker is killed with -9: the trial it held is asked again and told once', async (t) => {
      const { reference, store } = await newStudy(t, shared);
      const killed = startWorker(reference, 30, 600, { hold: 8 });
      await waitUntil(() => killed.lines.some((line) => line.holding === 8), { message: 'the worker reaches trial 8' });
      killed.child.kill('SIGKILL');
      assert.equal((await killed.exited).signal, 'SIGKILL');

      const resumed = startWorker(reference, 30, 600);
      const exit = await resumed.exited;
      assert.equal(exit.code, 0, exit.stderr);
      assert.deepEqual(told(killed), [0, 1, 2, 3, 4, 5, 6, 7]);
      assert.ok(told(resumed).includes(8), 'the held trial was evaluated by the resumed worker');
      await assertNothingLostOrDuplicated(store, [told(killed), told(resumed)]);
      const held = (await (await Study.load(store, QUADRATIC.name)).trials())[8];
      const run = await store.getRun(held?.runId ?? -1);
      assert.deepEqual([run?.attempt, run?.losses], [2, 1], 'one run, its lost attempt counted');
    });
  });
}
