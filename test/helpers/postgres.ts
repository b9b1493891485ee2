import { randomBytes } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { PgDatabase } from '../../src/store/postgres/pg-database.js';
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

/**
 * Runs one statement on the test server, retrying through a server restart as the store does
 * (the fault test restarts the server while other PostgreSQL test files may run).
 */
async function admin(sql: string): Promise<void> {
  const db = new PgDatabase(POSTGRES_URL as string, { max: 1 });
  try {
    await db.script(sql);
  } finally {
    await db.close();
  }
}

/** A fresh schema of the test database, dropped after the test: runs never see each other's data. */
export async function freshSchema(t: TestContext): Promise<string> {
  const schema = `lb_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  t.after(() => admin(`DROP SCHEMA ${schema} CASCADE`));
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
  await admin(`CREATE DATABASE ${name}`);
  t.after(() => dropDatabase(name));
  return `${(POSTGRES_URL as string).replace(/\/[^/]*$/, '')}/${name}`;
}

/**
 * WITH (FORCE) ends the sessions still in the database, but not one it may not signal (an
 * autovacuum worker that just started in it, on PostgreSQL 15): tried again a few times.
 */
async function dropDatabase(name: string, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (error) {
      if (attempt === attempts) throw error;
      await delay(200 * attempt);
    }
  }
}
