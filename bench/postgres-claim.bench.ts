/**
 * PostgreSQL store: 8 worker processes claiming (batches of 16) and completing (one
 * finishRuns per batch) no-op runs from one database. Figures: runs/s in all, runs claimed
 * twice and never completed (both must be 0). Baseline: the bare minimum PostgreSQL work per
 * batch from 8 connections — one UPDATE … FOR UPDATE SKIP LOCKED claim and one UPDATE by id
 * per batch, each its own transaction. Target: >= 3,000 runs/s. Needs a server:
 * $LABBOOK_TEST_POSTGRES (scripts/pg-up.sh prints one); without it the figure says skipped.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Queue } from '../src/queue/queue.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { report } from './report.js';

const NAME = 'postgres_claim_complete_noop_8_processes';
const RUNS = 20_000;
const PROCESSES = 8;
const BATCH = 16;
const url = process.env.LABBOOK_TEST_POSTGRES;

async function withSchema<T>(work: (schema: string) => Promise<T>): Promise<T> {
  const schema = `lb_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    return await work(schema);
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

async function labbookWorkers(schema: string): Promise<{ seconds: number; doubles: number; missing: number }> {
  const store = await PostgresStore.open(url as string, { schema, objectsDir: tmpdir() });
  await new Queue(store).enqueue(defineExperiment({ name: 'noop', parameters: { i: `range(${RUNS})` } }));
  await store.close();
  const worker = fileURLToPath(new URL('../test/fixtures/pg-claim-worker.js', import.meta.url));
  const outputs = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => run(process.execPath, [worker, url as string, schema, `w${i}`, String(BATCH), '60000'])),
  );
  const results = outputs.map((o) => JSON.parse(o) as { claimed: number[]; completed: number[]; startedAt: number; endedAt: number });
  // From the first claim to the last completion: the processes' start-up (Node, the pool) is not claiming.
  const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  const claimed = results.flatMap((r) => r.claimed);
  const completed = new Set(results.flatMap((r) => r.completed));
  return { seconds, doubles: claimed.length - new Set(claimed).size, missing: RUNS - completed.size };
}

async function bareWorkers(schema: string): Promise<number> {
  const setup = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await setup.connect();
  await setup.query('CREATE TABLE bare (id BIGINT PRIMARY KEY, state TEXT NOT NULL, owner TEXT)');
  await setup.query(`INSERT INTO bare SELECT i, 'PENDING' FROM generate_series(1, ${RUNS}) i`);
  await setup.end();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: PROCESSES }, async (_, w) => {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      for (;;) {
        const { rows } = await client.query(
          `UPDATE bare SET state = 'RUNNING', owner = $1 WHERE id IN
             (SELECT id FROM bare WHERE state = 'PENDING' ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED) RETURNING id`,
          [`w${w}`],
        );
        if (rows.length === 0) break;
        await client.query("UPDATE bare SET state = 'COMPLETED' WHERE id = ANY($1::bigint[])", [rows.map((r) => r.id)]);
      }
      await client.end();
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`worker exited ${code}: ${stderr}`))));
  });
}

if (!url) {
  process.stdout.write(
    `${JSON.stringify({ name: NAME, skipped: 'no PostgreSQL: export LABBOOK_TEST_POSTGRES="$(sudo scripts/pg-up.sh)"' })}\n`,
  );
} else {
  const { seconds, doubles, missing } = await withSchema(labbookWorkers);
  const rate = RUNS / seconds;
  const bareRate = RUNS / (await withSchema(bareWorkers));
  const baselineLabel = 'bare PostgreSQL: one SKIP LOCKED claim and one UPDATE per batch of 16, 8 connections';
  const target = '>= 3000 runs/s, runs_claimed_twice = 0';
  report({
    name: NAME,
    value: rate,
    unit: 'runs/s',
    baseline: bareRate,
    baselineLabel,
    ratio: rate / bareRate,
    target,
    runs_claimed_twice: doubles,
    runs_never_completed: missing,
  });
}
