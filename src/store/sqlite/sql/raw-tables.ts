import type { StoreTable, TableAccess } from '../../copy/store-tables.js';
import type { SqliteConnection } from '../connection.js';

/** The SQLite store's tables, row by row, for copy-store. */
export function sqliteTables(db: SqliteConnection): TableAccess {
  return {
    isEmpty: async () => db.prepare('SELECT 1 FROM experiments LIMIT 1').get() === undefined,
    read: async (table: StoreTable, offset: number, limit: number) => {
      const statement = db.prepare(
        `SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.order.replace('$seq', 'rowid')} LIMIT ? OFFSET ?`,
      );
      statement.setReturnArrays(true);
      return statement.all(limit, offset) as unknown[][];
    },
    write: async (table: StoreTable, rows: readonly unknown[][]) => {
      const row = `(${table.columns.map(() => '?').join(', ')})`;
      const insert = db.prepare(`INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES ${rows.map(() => row).join(', ')}`);
      db.transaction(() => insert.run(...rows.flat()), 'immediate');
    },
    // The hash keys of the runs (those recorded by hand have theirs from a trigger already).
    finish: async () => {
      db.exec(
        'INSERT INTO run_hashes (hash_prefix, experiment_id, run_id) SELECT substr(hash, 1, 16), experiment_id, id FROM runs WHERE true ORDER BY 2, 1, 3 ON CONFLICT DO NOTHING',
      );
    },
  };
}
