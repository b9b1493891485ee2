import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type TestContext, test } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { runHash } from '../../../src/spec/run-hash.js';
import { copyStore } from '../../../src/store/copy/copy-store.js';
import { BOOKKEEPING_TABLES, STORE_TABLES } from '../../../src/store/copy/store-tables.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/types.js';
import { postgresAvailable, postgresStore } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { queryFixture, T0 } from './query-fixture.js';

function sqliteStore(t: TestContext): SqliteStore {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  return store;
}

/** The query fixture, plus what else a store holds: files, a checkpoint, an artifact, an environment, a worker, a run by hand. */
async function filledStore(t: TestContext): Promise<Store> {
  const store = sqliteStore(t);
  await queryFixture(store);
  const blob = Buffer.from('model weights');
  const sha256 = createHash('sha256').update(blob).digest('hex');
  mkdirSync(join(store.dataDir, 'objects', sha256.slice(0, 2)), { recursive: true });
  writeFileSync(join(store.dataDir, 'objects', sha256.slice(0, 2), sha256), blob);
  mkdirSync(join(store.dataDir, 'runs', '1'), { recursive: true });
  writeFileSync(join(store.dataDir, 'runs', '1', 'stdout.log'), 'epoch 1\n');
  await store.addArtifact(
    { runId: 1, name: 'model.bin', attempt: 1, sha256, size: blob.length, mediaType: 'application/octet-stream' },
    T0,
  );
  await store.saveCheckpoint(2, 1, { sha256, size: blob.length }, T0);
  await store.saveEnvironment(1, 1, { packages: Array.from({ length: 200 }, (_, i) => `pkg-${i}==1.0`), host: 'h1' });
  await store.registerWorker({ id: 'w1', host: 'h1', pid: 42, startedAt: T0, info: { slots: 2 } });
  await runByHand(store, 7);
  return store;
}

/** Starts the run of `seed` recorded by hand; returns its id. */
async function runByHand(store: Store, seed: number): Promise<number | undefined> {
  const start = await store.startRunByHand({
    experiment: 'byhand',
    hash: runHash({ seed }),
    paramsJson: JSON.stringify({ seed }),
    spec: { name: 'byhand' },
    workerId: 'w1',
    now: T0,
    leaseExpiresAt: T0 + 1000,
  });
  return 'started' in start ? start.started.id : undefined;
}

/** All a store answers, as comparable values, and its files with their contents. */
async function snapshot(store: Store) {
  const runs = await store.listRuns({});
  const experiments = await store.listExperiments();
  const perRun = await Promise.all(
    runs.map(async (run) => {
      const summaries = await store.listMetricSummaries(run.id);
      return {
        events: await store.listRunEvents(run.id),
        summaries,
        series: await Promise.all(summaries.map((s) => store.readMetrics(run.id, s.key))),
        artifacts: await store.listArtifacts(run.id),
        checkpoint: await store.getCheckpoint(run.id),
        environment: await store.getEnvironment(run.id),
      };
    }),
  );
  const files = (dir: string): Array<[string, string]> =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((path) => statSync(join(dir, path)).isFile() && !path.includes('space-reserve'))
      .sort()
      .map((path) => [relative(dir, join(dir, path)), readFileSync(join(dir, path), 'utf8')]);
  return {
    experiments,
    versions: await Promise.all(experiments.map((e) => store.listSpecVersions(e.id))),
    runs,
    perRun,
    workers: await store.listWorkers(),
    catalog: await store.keyCatalog({}),
    files: files(store.dataDir).filter(([path]) => path.startsWith('objects') || path.startsWith('runs')),
  };
}

test('copy-store copies a SQLite store into a new one with everything it holds, and refuses a store that is not empty', async (t) => {
  const source = await filledStore(t);
  const copy = sqliteStore(t);
  const counts = await copyStore(source, copy);
  assert.equal(counts.runs, 7);
  assert.deepEqual(await snapshot(copy), await snapshot(source));
  await assert.rejects(copyStore(source, copy), UsageError);
  assert.equal(await runByHand(copy, 8), 8, 'the copy goes on as a store: its next run gets the next id');
});

test('every data table of the SQLite schema is copied', (t) => {
  const store = sqliteStore(t);
  const tables = (store.database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>)
    .map((row) => row.name)
    .filter((name) => !BOOKKEEPING_TABLES.includes(name))
    .sort();
  assert.deepEqual(tables, STORE_TABLES.map((table) => table.name).sort());
});

if (postgresAvailable('copy-store with PostgreSQL')) {
  test('SQLite → PostgreSQL → SQLite: the round trip loses nothing', async (t) => {
    const source = await filledStore(t);
    const middle = await postgresStore(t);
    const back = sqliteStore(t);
    await copyStore(source, middle);
    assert.deepEqual(await snapshot(middle), await snapshot(source), 'PostgreSQL holds what SQLite held');
    await copyStore(middle, back);
    assert.deepEqual(await snapshot(back), await snapshot(source), 'and gives it back');
    const [added] = await middle.claimRuns({ workerId: 'w2', limit: 1, now: T0, leaseExpiresAt: T0 + 1000 });
    assert.equal(added?.id, 5, 'the copy claims the pending runs it was given');
    const experiment = await middle.saveExperiment('fresh', { name: 'fresh' }, T0);
    assert.equal(experiment.id, 4, 'and numbers what comes next after the copied ids');
  });

  test('every data table of the PostgreSQL schema is copied', async (t) => {
    const store = await postgresStore(t);
    const tables = (
      await store.database.all<{ name: string }>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
      )
    )
      .map((row) => row.name)
      .filter((name) => !BOOKKEEPING_TABLES.includes(name))
      .sort();
    assert.deepEqual(tables, STORE_TABLES.map((table) => table.name).sort());
  });
}
