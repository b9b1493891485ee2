import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { parseRunCondition } from '../../../src/query/index.js';
import { Queue } from '../../../src/queue/queue.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { runHash } from '../../../src/spec/run-hash.js';
import { SqliteConnection } from '../../../src/store/sqlite/connection.js';
import { migrateSqlite } from '../../../src/store/sqlite/migrate.js';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.generated.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { assertBlocksFilled, seriesOfSchema7 } from './series-conformance.js';

const T0 = Date.UTC(2026, 0, 1);
const SPEC = { name: 'cv', parameters: { p: [1, 2] }, settings: { k: 1 }, command: 'echo {p} {k}' };

/** A store as labbook wrote it before spec versions (schema 3): two runs of `cv`, the first COMPLETED. */
function storeOfSchema3(t: TestContext): string {
  const dir = tempDir(t);
  const db = new SqliteConnection(join(dir, 'labbook.db'));
  db.exec('PRAGMA foreign_keys = ON');
  migrateSqlite(db, MIGRATIONS.slice(0, 3), 'old store', Date.UTC(2026, 0, 1));
  const { raw } = defineExperiment(SPEC);
  db.prepare('INSERT INTO experiments (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)').run('cv', JSON.stringify(raw), T0, T0);
  for (const p of [1, 2]) {
    db.prepare('INSERT INTO runs (experiment_id, hash, params, created_at, queued_at) VALUES (1, ?, ?, ?, ?)').run(
      runHash({ p }),
      JSON.stringify({ p }),
      T0,
      T0,
    );
    db.prepare(`INSERT INTO run_events (run_id, at, to_state, attempt, reason) VALUES (?, ?, 'PENDING', 0, 'enqueued')`).run(p, T0);
  }
  db.prepare(`UPDATE runs SET state = 'COMPLETED', attempt = 1, result = '{"acc": 0.9}' WHERE id = 1`).run();
  db.prepare(`INSERT INTO metric_summaries (run_id, key, attempt, count, updated_at) VALUES (1, 'acc', 1, 1, ?)`).run(T0);
  db.close();
  return dir;
}

test('upgrading a store makes each spec its version 1 and every run a run of it, losing nothing', async (t) => {
  const dir = storeOfSchema3(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  assert.deepEqual(
    (await store.listSpecVersions(1)).map((v) => [v.version, (v.spec as { name: string }).name]),
    [[1, 'cv']],
  );
  assert.deepEqual(
    (await store.listRuns({})).map((run) => [run.id, run.specVersion, run.state, run.result]),
    [
      [1, 1, 'COMPLETED', { acc: 0.9 }],
      [2, 1, 'PENDING', null],
    ],
  );
  assert.equal((await store.listRunEvents(2)).length, 1, 'the audit trail survives the rebuild of runs');
  assert.equal((await store.listMetricSummaries(1)).length, 1, 'so do the metrics');
  assert.equal(
    (store.database.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys,
    1,
    'foreign keys are on again',
  );
  assert.deepEqual(
    (await store.listRuns({ query: parseRunCondition('settings.k == 1') })).map((run) => run.id),
    [1, 2],
  );

  const { counts } = await new Queue(store).enqueue(defineExperiment(SPEC));
  assert.deepEqual(
    counts.unchanged,
    { COMPLETED: 1, PENDING: 1 },
    'the runs from before are found by hash: the completed one is the cache',
  );
  assert.equal(counts.added, 0);
});

test('a run recorded by hand (no spec version, as the Python client writes it) is found by a later add', async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  store.database.prepare(`INSERT INTO experiments (name, spec, created_at, updated_at) VALUES ('cv', '{"name": "cv"}', ?, ?)`).run(T0, T0);
  store.database
    .prepare(`INSERT INTO runs (experiment_id, hash, params, state, created_at, queued_at) VALUES (1, ?, '{"p":1}', 'FAILED', ?, ?)`)
    .run(runHash({ p: 1 }), T0, T0);
  const { counts } = await new Queue(store).enqueue(defineExperiment(SPEC), { requeueStates: ['FAILED'] });
  assert.deepEqual([counts.added, counts.requeued], [1, 1]);
  assert.deepEqual(
    (await store.listRuns({})).map((run) => [run.id, run.specVersion, run.state]),
    [
      [1, 1, 'PENDING'],
      [2, 1, 'PENDING'],
    ],
  );
});

test('upgrading a store to schema 8 makes the blocks of the series it holds', async (t) => {
  const dir = tempDir(t);
  const db = new SqliteConnection(join(dir, 'labbook.db'));
  migrateSqlite(db, MIGRATIONS.slice(0, 7), 'old store', T0);
  db.exec(seriesOfSchema7());
  db.close();
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  await assertBlocksFilled(store);
});
