/**
 * labbook's PostgreSQL workers for the benches: a throwaway schema, and N worker processes
 * (test/fixtures/pg-claim-worker) claiming and completing a no-op grid from it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Queue } from '../src/queue/queue.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';

/** Runs `work` in a new schema of the database at `url`, dropped afterwards. */
export async function withSchema<T>(url: string, work: (schema: string) => Promise<T>): Promise<T> {
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

/** Enqueues a no-op grid of `runs` and has `processes` workers claim it in batches of `batch`. */
export async function labbookWorkers(
  url: string,
  schema: string,
  runs: number,
  processes: number,
  batch: number,
): Promise<{ seconds: number; doubles: number; missing: number }> {
  const store = await PostgresStore.open(url, { schema, objectsDir: tmpdir() });
  await new Queue(store).enqueue(defineExperiment({ name: 'noop', parameters: { i: `range(${runs})` } }));
  await store.close();
  const worker = fileURLToPath(new URL('../test/fixtures/pg-claim-worker.js', import.meta.url));
  const outputs = await Promise.all(
    Array.from({ length: processes }, (_, i) => output(process.execPath, [worker, url, schema, `w${i}`, String(batch), '60000'])),
  );
  const results = outputs.map((o) => JSON.parse(o) as { claimed: number[]; completed: number[]; startedAt: number; endedAt: number });
  // From the first claim to the last completion: the processes' start-up (Node, the pool) is not claiming.
  const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  const claimed = results.flatMap((r) => r.claimed);
  const completed = new Set(results.flatMap((r) => r.completed));
  return { seconds, doubles: claimed.length - new Set(claimed).size, missing: runs - completed.size };
}

/** The stdout of a child process that must exit 0. */
export function output(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}
