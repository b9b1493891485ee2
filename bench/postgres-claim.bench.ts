/**
 * PostgreSQL store: 8 worker processes claiming (batches of 16) and completing (one
 * finishRuns per batch) no-op runs from one database. Figures: runs/s in all, runs claimed
 * twice and never completed (both must be 0). Baseline: the bare minimum PostgreSQL work per
 * batch from 8 connections — one UPDATE … FOR UPDATE SKIP LOCKED claim and one UPDATE by id
 * per batch, each its own transaction. Target: >= 3,000 runs/s. Needs a server:
 * $LABBOOK_TEST_POSTGRES (scripts/pg-up.sh prints one); without it the figure says skipped.
 */
import pg from 'pg';
import { labbookWorkers, withSchema } from './postgres-workers.js';
import { report } from './report.js';

const NAME = 'postgres_claim_complete_noop_8_processes';
const RUNS = 20_000;
const PROCESSES = 8;
const BATCH = 16;
const url = process.env.LABBOOK_TEST_POSTGRES;

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

if (!url) {
  process.stdout.write(
    `${JSON.stringify({ name: NAME, skipped: 'no PostgreSQL: export LABBOOK_TEST_POSTGRES="$(sudo scripts/pg-up.sh)"' })}\n`,
  );
} else {
  const { seconds, doubles, missing } = await withSchema(url as string, (schema) =>
    labbookWorkers(url as string, schema, RUNS, PROCESSES, BATCH),
  );
  const rate = RUNS / seconds;
  const bareRate = RUNS / (await withSchema(url as string, bareWorkers));
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
