import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { PostgresStore } from '../postgres/postgres-store.js';
import { postgresTables } from '../postgres/sql/raw-tables.js';
import { sqliteTables } from '../sqlite/sql/raw-tables.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import type { Store } from '../types.js';
import { STORE_TABLES, type TableAccess } from './store-tables.js';

/** Rows per read and per insert: a few thousand parameters per statement on either backend. */
const ROWS_PER_BATCH = 1_000;

/** The directories of a store's data directory that hold its files: blobs, run directories (logs, outputs), code snapshots. */
const FILE_DIRS = ['objects', 'runs', 'code'];

export type CopyCounts = Record<string, number>;

/**
 * Copies everything `source` holds into the empty store `destination`, whatever their
 * backends: every row of every table as it is (ids, states, leases, history, metrics in
 * logging order), then the object and run directories. Refuses a destination that has
 * experiments (exit 2), before writing anything.
 */
export async function copyStore(source: Store, destination: Store): Promise<CopyCounts> {
  const from = tablesOf(source);
  const to = tablesOf(destination);
  if (!(await to.isEmpty())) {
    throw new UsageError(
      `the store ${destination.location} is not empty: copy into a new store (labbook init it first, or let copy-store make it)`,
    );
  }
  const counts: CopyCounts = {};
  for (const table of STORE_TABLES) {
    let copied = 0;
    for (let offset = 0; ; offset += ROWS_PER_BATCH) {
      const rows = await from.read(table, offset, ROWS_PER_BATCH);
      if (rows.length > 0) await to.write(table, rows);
      copied += rows.length;
      if (rows.length < ROWS_PER_BATCH) break;
    }
    counts[table.name] = copied;
  }
  await to.finish();
  for (const dir of FILE_DIRS) {
    const files = join(source.dataDir, dir);
    if (existsSync(files)) cpSync(files, join(destination.dataDir, dir), { recursive: true, force: false, preserveTimestamps: true });
  }
  return counts;
}

function tablesOf(store: Store): TableAccess {
  if (store instanceof SqliteStore) return sqliteTables(store.database);
  if (store instanceof PostgresStore) return postgresTables(store.database);
  throw new Error(`copy-store does not know the ${store.backend} backend`);
}
