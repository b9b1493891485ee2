import { randomBytes } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { tempDir } from './temp-dir.js';

/**
 * The PostgreSQL server the PostgreSQL suites use: $LABBOOK_TEST_POSTGRES. Without it they
 * skip, saying how to enable them; under CI (where .ci/run starts the server) they fail.
 */
export const POSTGRES_URL = process.env.LABBOOK_TEST_POSTGRES;

const HOW = 'set LABBOOK_TEST_POSTGRES: export LABBOOK_TEST_POSTGRES="$(sudo scripts/pg-up.sh)"';

/** True when the suites can run; else registers one skipped (or, under CI, failing) test that says why. */
export function postgresAvailable(suite: string): boolean {
  if (POSTGRES_URL) return true;
  if (process.env.CI) {
    test(`${suite}: PostgreSQL is required under CI`, () => {
      throw new Error(`LABBOOK_TEST_POSTGRES is not set; ${HOW} (.ci/run does)`);
    });
  } else test(`${suite} (PostgreSQL)`, { skip: `no PostgreSQL for the tests; ${HOW}` }, () => {});
  return false;
}

/** A fresh schema of the test database, dropped after the test: runs never see each other's data. */
export async function freshSchema(t: TestContext): Promise<string> {
  const schema = `lb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  t.after(async () => {
    const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
    await cleanup.connect();
    await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
    await cleanup.end();
  });
  return schema;
}

/** A new, empty, migrated PostgreSQL store in a schema of its own, closed after the test. */
export async function postgresStore(t: TestContext, options: { reconnectForMs?: number } = {}): Promise<PostgresStore> {
  const schema = await freshSchema(t);
  const store = await PostgresStore.open(POSTGRES_URL as string, { schema, objectsDir: tempDir(t), ...options });
  t.after(() => store.close());
  return store;
}

/**
 * A new database on the test server, dropped after the test (with the connections an engine
 * still holds): for tests of the CLI, which names a store by URL only. Returns its URL.
 */
export async function freshDatabase(t: TestContext): Promise<string> {
  const name = `lb_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE DATABASE ${name}`);
  t.after(() => admin(`DROP DATABASE ${name} WITH (FORCE)`));
  return `${(POSTGRES_URL as string).replace(/\/[^/]*$/, '')}/${name}`;
}
