import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { Study } from '../../../src/study/index.js';
import { repoPath } from '../../helpers/paths.js';
import { QUADRATIC } from '../../helpers/quadratic-study.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitUntil } from '../../helpers/wait.js';

interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: Array<{ asked?: number; told?: number; holding?: number }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWorker(file: string, target: number, leaseMs: number, options: { hold?: number; barrier?: string } = {}): Worker {
  const args = [repoPath('dist', 'test', 'fixtures', 'study-worker.js'), file, QUADRATIC.name, String(target), String(leaseMs)];
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

async function newStudy(t: test.TestContext): Promise<{ file: string; store: SqliteStore }> {
  const dir = tempDir(t);
  const file = join(dir, 'labbook.db');
  const store = new SqliteStore(file, dir);
  t.after(() => store.close());
  await (await Study.create(store, { ...QUADRATIC, sampler: { name: 'tpe', options: { nStartupTrials: 5 } } })).close();
  return { file, store };
}

/** Every trial COMPLETE, numbered 0…n-1, each with its own run, told by exactly one of the workers. */
async function assertNothingLostOrDuplicated(store: SqliteStore, tellers: number[][]): Promise<number> {
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

test('two worker processes sharing one study get distinct trials and lose none', async (t) => {
  const { file, store } = await newStudy(t);
  const barrier = tempDir(t);
  const workers = [startWorker(file, 40, 5_000, { barrier }), startWorker(file, 40, 5_000, { barrier })];
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

test('a study resumes after its worker is killed with -9: the trial it held is asked again and told once', async (t) => {
  const { file, store } = await newStudy(t);
  const killed = startWorker(file, 30, 600, { hold: 8 });
  await waitUntil(() => killed.lines.some((line) => line.holding === 8), { message: 'the worker reaches trial 8' });
  killed.child.kill('SIGKILL');
  assert.equal((await killed.exited).signal, 'SIGKILL');

  const resumed = startWorker(file, 30, 600);
  const exit = await resumed.exited;
  assert.equal(exit.code, 0, exit.stderr);
  assert.deepEqual(told(killed), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.ok(told(resumed).includes(8), 'the held trial was evaluated by the resumed worker');
  await assertNothingLostOrDuplicated(store, [told(killed), told(resumed)]);
  const held = (await (await Study.load(store, QUADRATIC.name)).trials())[8];
  const run = await store.getRun(held?.runId ?? -1);
  assert.deepEqual([run?.attempt, run?.losses], [2, 1], 'one run, its lost attempt counted');
});
