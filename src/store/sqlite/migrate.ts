import { StoreSchemaNewerError } from '../../errors.js';
import { latestVersion, type Migration } from '../migration.js';
import type { SqliteConnection } from './connection.js';

/**
 * Brings the database to the newest schema. Each migration runs in an IMMEDIATE
 * transaction that records it in the ledger first, so two processes opening a fresh store
 * at once serialise on the write lock and the second finds the work done. A database
 * written by a newer labbook is refused before anything is touched. `now` is recorded as
 * the time each migration was applied.
 *
 * Foreign keys are off while migrations run: SQLite changes a table's constraints by
 * rebuilding it, and dropping the old table would otherwise cascade into the tables that
 * refer to it. Each migration checks every reference before it commits instead.
 */
export function migrateSqlite(db: SqliteConnection, migrations: readonly Migration[], location: string, now: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS labbook_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const known = latestVersion(migrations);
  const current = (): number => (db.prepare('SELECT coalesce(max(version), 0) AS v FROM labbook_migrations').get() as { v: number }).v;
  const found = current();
  if (found > known) throw new StoreSchemaNewerError(location, found, known);
  if (found === known) return;
  const enforced = (db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys;
  db.exec('PRAGMA foreign_keys = OFF');
  try {
    for (const migration of migrations) {
      db.transaction(() => {
        if (current() >= migration.version) return;
        db.prepare('INSERT INTO labbook_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          now,
        );
        db.exec(migration.sql);
        const broken = db.prepare('PRAGMA foreign_key_check').get() as { table: string; parent: string } | undefined;
        if (broken)
          throw new Error(`migration ${migration.version} (${migration.name}) left a row of ${broken.table} without its ${broken.parent}`);
      }, 'immediate');
    }
  } finally {
    db.exec(`PRAGMA foreign_keys = ${enforced}`);
  }
}
