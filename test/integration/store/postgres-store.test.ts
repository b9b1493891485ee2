import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StoreSchemaNewerError } from '../../../src/errors.js';
import { runHash } from '../../../src/spec/run-hash.js';
import { migratePostgres } from '../../../src/store/postgres/migrate.js';
import { MIGRATIONS } from '../../../src/store/postgres/migrations.generated.js';
import { PgDatabase } from '../../../src/store/postgres/pg-database.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { freshSchema, POSTGRES_URL, postgresAvailable, postgresStore } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitUntil } from '../../helpers/wait.js';
import { describeCodeStoreConformance } from './code-store-conformance.js';
import { describeProvenanceConformance } from './provenance-conformance.js';
import { describeQueryConformance } from './query-conformance.js';
import { assertBlocksFilled, describeSeriesConformance, seriesOfSchema7 } from './series-conformance.js';
import { describeStoreConformance } from './store-conformance.js';

if (postgresAvailable('PostgreSQL store')) {
  describeStoreConformance('postgres', (t) => postgresStore(t));
  describeQueryConformance('postgres', (t) => postgresStore(t));
  describeProvenanceConformance('postgres', (t) => postgresStore(t));
  describeCodeStoreConformance('postgres', (t) => postgresStore(t));
  describeSeriesConformance('postgres', (t) => postgresStore(t));

  test('the schema is at the newest version, and a newer one is refused untouched', async (t) => {
    const schema = await freshSchema(t);
    const dir = tempDir(t);
    const store = await PostgresStore.open(POSTGRES_URL as string, { schema, objectsDir: dir });
    const versions = await store.database.all<{ version: number }>('SELECT version FROM labbook_migrations ORDER BY version');
    assert.deepEqual(
      versions.map((v) => v.version),
      MIGRATIONS.map((m) => m.version),
    );
    await store.database.run('INSERT INTO labbook_migrations (version, name, applied_at) VALUES (?, ?, ?)', [999, 'future', 0]);
    await store.close();
    await assert.rejects(PostgresStore.open(POSTGRES_URL as string, { schema, objectsDir: dir }), (error: unknown) => {
      assert.ok(error instanceof StoreSchemaNewerError);
      return true;
    });
  });

  test('upgrading a store to schema 8 makes the blocks of the series it holds', async (t) => {
    const schema = await freshSchema(t);
    const old = new PgDatabase(POSTGRES_URL as string, { schema, max: 1 });
    try {
      await migratePostgres(old, MIGRATIONS.slice(0, 7), 'old store', 0);
      await old.script(seriesOfSchema7());
    } finally {
      await old.close();
    }
    const store = await PostgresStore.open(POSTGRES_URL as string, { schema, objectsDir: tempDir(t) });
    t.after(() => store.close());
    await assertBlocksFilled(store);
  });

  test('the location names the server without its password', async (t) => {
    const store = await postgresStore(t);
    assert.doesNotMatch(store.location, /:labbook@/);
    assert.match(store.location, /^postgres:\/\/labbook:\*\*\*@127\.0\.0\.1:5432\//);
  });
}

/**
 * The fault test of issue 17: PostgreSQL restarts (pg_ctlcluster, as an administrator would)
 * in the middle of a 500-run sweep of 4 worker processes. Their connections break; they
 * reconnect with back-off, a claim whose reply was lost leaves its runs to the reaper, and
 * every run is COMPLETED exactly once (one completion in its audit trail).
 */
if (postgresAvailable('PostgreSQL restart') && canRestartPostgres()) {
  test('a PostgreSQL restart mid-sweep: 4 workers complete every one of 500 runs exactly once', async (t) => {
    const schema = await freshSchema(t);
    const store = await PostgresStore.open(POSTGRES_URL as string, { schema, objectsDir: tempDir(t) });
    t.after(() => store.close());
    const experiment = await store.saveExperiment('sweep', { name: 'sweep' }, Date.now());
    const params = Array.from({ length: 500 }, (_, i) => ({ i }));
    await store.enqueueRuns(experiment.id, [params.map((p) => ({ paramsJson: JSON.stringify(p), hash: runHash(p) }))], {
      now: Date.now(),
      retries: 0,
    });
    const startedAt = async () => (await store.database.get<{ t: string }>('SELECT pg_postmaster_start_time()::text AS t'))?.t;
    const before = await startedAt();
    const workers = Array.from({ length: 4 }, (_, i) => runWorker([POSTGRES_URL as string, schema, `w${i}`, '2', '2000', '40']));
    await waitUntil(async () => (await completedCount(store)) >= 100, { message: '100 runs completed' });
    const doneAtRestart = await completedCount(store);
    execFileSync('pg_ctlcluster', ['15', 'main', 'restart'], {
      stdio: 'ignore',
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    });
    const outputs = await Promise.all(workers);
    assert.notEqual(await startedAt(), before, 'the server restarted');
    assert.ok(doneAtRestart < 500, `the restart came mid-sweep (${doneAtRestart} of 500 done)`);
    for (const output of outputs) assert.equal(output.code, 0, output.stderr);
    assert.deepEqual(await store.countRuns({}), [{ experiment: 'sweep', state: 'COMPLETED', count: 500 }]);
    const completions = await store.database.all<{ run_id: number; n: number }>(
      "SELECT run_id, count(*) AS n FROM run_events WHERE to_state = 'COMPLETED' GROUP BY run_id",
    );
    assert.equal(completions.length, 500);
    assert.deepEqual(
      completions.filter((c) => c.n !== 1),
      [],
      'no run completed twice',
    );
  });
}

function canRestartPostgres(): boolean {
  try {
    execFileSync('pg_lsclusters', ['-h'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

async function completedCount(store: PostgresStore): Promise<number> {
  return (await store.countRuns({ states: ['COMPLETED'] })).reduce((sum, c) => sum + c.count, 0);
}

function runWorker(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const worker = fileURLToPath(new URL('../../fixtures/pg-claim-worker.js', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
