import { StoreSchemaNewerError } from '../../errors.js';
import { latestVersion, type Migration } from '../migration.js';
import type { PgDatabase } from './pg-database.js';

/** Any constant: the advisory lock every labbook process takes to migrate a PostgreSQL store. */
const MIGRATION_LOCK = 0x6c616262;

/**
 * Brings the database (its current schema) to the newest schema, all migrations in one
 * transaction under an advisory lock: two processes opening a fresh store at once serialise
 * there, and the second finds the work done. A database written by a newer labbook is refused
 * before anything is changed. Returns the version the store was at (0: it was made now).
 */
export async function migratePostgres(db: PgDatabase, migrations: readonly Migration[], location: string, now: number): Promise<number> {
  const known = latestVersion(migrations);
  return db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await tx.run(
      'CREATE TABLE IF NOT EXISTS labbook_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const found = (await tx.get<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM labbook_migrations'))?.v ?? 0;
    if (found > known) throw new StoreSchemaNewerError(location, found, known);
    for (const migration of migrations) {
      if (migration.version <= found) continue;
      await tx.run('INSERT INTO labbook_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, now]);
      await tx.script(migration.sql);
    }
    return found;
  });
}
