import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A fresh directory for one measurement; remove it with `removeScratch`. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'lb-bench-'));
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A bare better-sqlite3 database set up as labbook's store is (WAL, synchronous=NORMAL):
 * what a baseline measures the floor of SQLite on.
 */
export function bareDatabase(dir: string): Database.Database {
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
