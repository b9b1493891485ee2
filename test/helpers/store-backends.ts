import type { TestContext } from 'node:test';
import type { Store } from '../../src/store/types.js';
import { postgresAvailable, postgresStore } from './postgres.js';
import { openTempStore } from './provenance.js';

export type OpenStore = (t: TestContext) => Promise<Store>;

/** A new SQLite store in a temporary directory, closed after the test. */
export const sqliteStore: OpenStore = async (t) => openTempStore(t);

/**
 * The backends a suite runs against: SQLite, and PostgreSQL when the tests have a server
 * (else postgresAvailable registers the skipped, or under CI failing, test that says why).
 */
export function storeBackends(suite: string): Array<[backend: string, open: OpenStore]> {
  const backends: Array<[string, OpenStore]> = [['sqlite', sqliteStore]];
  if (postgresAvailable(suite)) backends.push(['postgres', (t) => postgresStore(t)]);
  return backends;
}
