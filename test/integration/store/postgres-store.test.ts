import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreSchemaNewerError } from '../../../src/errors.js';
import { MIGRATIONS } from '../../../src/store/postgres/migrations.generated.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { freshSchema, POSTGRES_URL, postgresAvailable, postgresStore } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { describeQueryConformance } from './query-conformance.js';
import { describeStoreConformance } from './store-conformance.js';

if (postgresAvailable('PostgreSQL store')) {
  describeStoreConformance('postgres', (t) => postgresStore(t));
  describeQueryConformance('postgres', (t) => postgresStore(t));

  test('the schema is at the newest version, and a newer one is refused untouched', async (t) => {
    const schema = await freshSchema(t);
    const dir = tempDir(t);
    const store = await PostgresStore.open(POSTGRES_URL as string, dir, { schema });
    const versions = await store.database.all<{ version: number }>('SELECT version FROM labbook_migrations ORDER BY version');
    assert.deepEqual(
      versions.map((v) => v.version),
      MIGRATIONS.map((m) => m.version),
    );
    await store.database.run('INSERT INTO labbook_migrations (version, name, applied_at) VALUES (?, ?, ?)', [999, 'future', 0]);
    await store.close();
    await assert.rejects(PostgresStore.open(POSTGRES_URL as string, dir, { schema }), (error: unknown) => {
      assert.ok(error instanceof StoreSchemaNewerError);
      return true;
    });
  });

  test('the location names the server without its password', async (t) => {
    const store = await postgresStore(t);
    assert.doesNotMatch(store.location, /:labbook@/);
    assert.match(store.location, /^postgres:\/\/labbook:\*\*\*@127\.0\.0\.1:5432\//);
  });
}
