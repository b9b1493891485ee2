import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { StoreSchemaNewerError } from '../../../src/errors.js';
import { Queue } from '../../../src/queue/queue.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { SqliteConnection } from '../../../src/store/sqlite/connection.js';
import { migrateSqlite } from '../../../src/store/sqlite/migrate.js';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.generated.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { openTempStore } from '../../helpers/provenance.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { describeProvenanceConformance } from './provenance-conformance.js';
import { describeQueryConformance } from './query-conformance.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('sqlite', async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  return store;
});

describeProvenanceConformance('sqlite', async (t) => openTempStore(t));

test('the database is in WAL mode with the schema of this version', (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  assert.equal((store.database.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
  const versions = store.database.prepare('SELECT version FROM labbook_migrations ORDER BY version').all() as Array<{ version: number }>;
  assert.deepEqual(
    versions.map((v) => v.version),
    MIGRATIONS.map((m) => m.version),
  );
});

test('a store written by a newer labbook is refused and left untouched', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'labbook.db');
  new SqliteStore(file, dir).close();
  const db = new SqliteConnection(file);
  db.prepare('INSERT INTO labbook_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'future', 0);
  db.close();
  assert.throws(
    () => new SqliteStore(file, dir),
    (error: unknown) => {
      assert.ok(error instanceof StoreSchemaNewerError);
      assert.match(
        error.message,
        /schema version 999, but this labbook knows versions up to \d+\. A newer labbook wrote it: upgrade labbook/,
      );
      return true;
    },
  );
  const check = new SqliteConnection(file, { readOnly: true });
  assert.equal((check.prepare('SELECT max(version) AS v FROM labbook_migrations').get() as { v: number }).v, 999);
  check.close();
});

test('runs sharing an environment share its large parts: stored once', async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  await new Queue(store).enqueue(defineExperiment({ name: 'e', parameters: { seed: 'range(50)' }, command: ['true'] }));
  const packages = Array.from({ length: 300 }, (_, i) => `package-${i}==1.${i}`);
  for (const run of await store.listRuns({}))
    await store.saveEnvironment(run.id, 1, { python: { packages }, seed: run.params.seed ?? null });
  const count = (sql: string) => (store.database.prepare(sql).get() as { n: number }).n;
  assert.equal(count('SELECT count(*) AS n FROM environments'), 50);
  assert.equal(count('SELECT count(*) AS n FROM environment_parts'), 1, 'one package list for 50 runs');
  assert.ok(count('SELECT max(length(data)) AS n FROM environments') < 200, 'each run keeps only a reference');
});

test('an older store is migrated forward and keeps its data', (t) => {
  const dir = tempDir(t);
  const db = new SqliteConnection(join(dir, 'old.db'));
  const v1 = [{ version: 1, name: 'one', sql: 'CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);' }];
  migrateSqlite(db, v1, 'old.db', Date.UTC(2026, 0, 1));
  const v2 = [...v1, { version: 2, name: 'two', sql: 'ALTER TABLE t ADD COLUMN y INTEGER DEFAULT 1;' }];
  migrateSqlite(db, v2, 'old.db', Date.UTC(2026, 0, 2));
  migrateSqlite(db, v2, 'old.db', Date.UTC(2026, 0, 3));
  assert.deepEqual(
    db
      .prepare('SELECT x, y FROM t')
      .all()
      .map((row) => ({ ...(row as object) })),
    [{ x: 7, y: 1 }],
  );
  assert.deepEqual(
    (db.prepare('SELECT version, applied_at FROM labbook_migrations').all() as Array<{ version: number; applied_at: number }>).map((r) => [
      r.version,
      r.applied_at,
    ]),
    [
      [1, Date.UTC(2026, 0, 1)],
      [2, Date.UTC(2026, 0, 2)],
    ],
    'each migration records the time it was given, once',
  );
  db.close();
});

test('a failing migration leaves the store at its previous version', (t) => {
  const dir = tempDir(t);
  const db = new SqliteConnection(join(dir, 'x.db'));
  const good = { version: 1, name: 'one', sql: 'CREATE TABLE t (x INTEGER);' };
  assert.throws(() =>
    migrateSqlite(
      db,
      [good, { version: 2, name: 'bad', sql: 'CREATE TABLE u (x); SELECT nonsense FROM nowhere;' }],
      'x.db',
      Date.UTC(2026, 0, 1),
    ),
  );
  assert.deepEqual(
    (db.prepare('SELECT version FROM labbook_migrations').all() as Array<{ version: number }>).map((r) => r.version),
    [1],
  );
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'u'").get() as { n: number }).n, 0);
  db.close();
});

describeQueryConformance('sqlite', async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  return store;
});
