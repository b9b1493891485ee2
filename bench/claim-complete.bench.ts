/**
 * Claim + complete of no-op runs. One process: claim batches of 16, complete each run in
 * its own transaction (as a worker does). Baseline: the bare minimum SQLite work per run —
 * one UPDATE of a row by id in its own transaction. Then 8 processes claiming concurrently
 * from one file: counts of surfaced SQLITE_BUSY errors and of runs claimed twice (both must
 * be 0). Target: ≥ 10,000 runs/s for one process.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from '../src/queue/queue.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { bestSeconds, report } from './report.js';
import { bareDatabase, removeScratch, scratchDir } from './scratch.js';

const RUNS = 20_000;
const spec = defineExperiment({ name: 'noop', parameters: { i: `range(${RUNS})` } });

async function freshStore(): Promise<{ store: SqliteStore; dir: string }> {
  const dir = scratchDir();
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  await new Queue(store).enqueue(spec);
  return { store, dir };
}

async function claimAndComplete(): Promise<number> {
  const { store, dir } = await freshStore();
  const queue = new Queue(store);
  const start = process.hrtime.bigint();
  let done = 0;
  for (;;) {
    const runs = await queue.claim('w', 16);
    if (runs.length === 0) break;
    for (const run of runs) {
      await queue.complete({ runId: run.id, workerId: 'w', attempt: run.attempt }, null);
      done++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (done !== RUNS) throw new Error(`completed ${done} of ${RUNS}`);
  await store.close();
  removeScratch(dir);
  return seconds;
}

function bareUpdates(): void {
  const dir = scratchDir();
  const db = bareDatabase(dir);
  db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, state TEXT NOT NULL)');
  const insert = db.prepare("INSERT INTO runs (state) VALUES ('PENDING')");
  db.transaction(() => {
    for (let i = 0; i < RUNS; i++) insert.run();
  });
  const update = db.prepare("UPDATE runs SET state = 'COMPLETED' WHERE id = ?");
  for (let id = 1; id <= RUNS; id++) db.transaction(() => update.run(id), 'immediate');
  db.close();
  removeScratch(dir);
}

async function concurrentWorkers(processes: number): Promise<{ seconds: number; busy: number; doubles: number; missing: number }> {
  const { store, dir } = await freshStore();
  await store.close();
  const worker = fileURLToPath(new URL('../test/fixtures/claim-worker.js', import.meta.url));
  const start = process.hrtime.bigint();
  const outputs = await Promise.all(
    Array.from(
      { length: processes },
      (_, i) =>
        new Promise<{ stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [worker, join(dir, 'labbook.db'), `w${i}`, '16']);
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (b) => (stdout += b));
          child.stderr.on('data', (b) => (stderr += b));
          child.on('close', () => resolve({ stdout, stderr }));
        }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const busy = outputs.filter((o) => /SQLITE_BUSY|LB_STORE_BUSY|locked/.test(o.stderr)).length;
  const claimed = outputs.flatMap((o) => (o.stdout.trim() ? (JSON.parse(o.stdout) as number[]) : []));
  removeScratch(dir);
  return { seconds, busy, doubles: claimed.length - new Set(claimed).size, missing: RUNS - new Set(claimed).size };
}

const single = Math.min(await claimAndComplete(), await claimAndComplete(), await claimAndComplete());
const bare = await bestSeconds(3, bareUpdates);
report({
  name: 'claim_complete_noop_1_process',
  value: RUNS / single,
  unit: 'runs/s',
  baseline: RUNS / bare,
  baselineLabel: 'bare SQLite: one UPDATE by id per transaction',
  ratio: bare / single,
  target: '>= 10000 runs/s',
});
const eight = await concurrentWorkers(8);
report({
  name: 'claim_complete_noop_8_processes',
  value: RUNS / eight.seconds,
  unit: 'runs/s',
  baseline: RUNS / single,
  baselineLabel: 'one process (above)',
  ratio: single / eight.seconds,
  busy_errors: eight.busy,
  runs_claimed_twice: eight.doubles,
  runs_never_claimed: eight.missing,
  target: 'busy_errors = 0, runs_claimed_twice = 0',
});
