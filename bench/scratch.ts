import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteConnection } from '../src/store/sqlite/connection.js';

/** A fresh directory for one measurement; remove it with `removeScratch`. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'lb-bench-'));
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A bare SQLite database, on the binding labbook uses, set up as labbook's store is (WAL,
 * synchronous=NORMAL): what a baseline measures the floor of SQLite on.
 */
export function bareDatabase(dir: string): SqliteConnection {
  const db = new SqliteConnection(join(dir, 'bare.db'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  return db;
}
