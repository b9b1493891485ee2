import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { postgresAvailable, postgresStore } from './postgres.js';
import { tempDir } from './temp-dir.js';

export type OpenStore = (t: TestContext) => Promise<Store>;

/** A new SQLite store in a temporary directory, closed after the test. */
export async function sqliteStore(t: TestContext): Promise<Store> {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  return store;
}

/**
 * The backends a suite runs against: SQLite, and PostgreSQL when the tests have a server
 * (else postgresAvailable registers the skipped, or under CI failing, test that says why).
 */
export function storeBackends(suite: string): Array<[backend: string, open: OpenStore]> {
  const backends: Array<[string, OpenStore]> = [['sqlite', sqliteStore]];
  if (postgresAvailable(suite)) backends.push(['postgres', (t) => postgresStore(t)]);
  return backends;
}
