import type { StoreTable, TableAccess } from '../../copy/store-tables.js';
import type { PgDatabase } from '../pg-database.js';

/** Tables whose ids come from an identity sequence: after rows are copied with their ids, it continues after them. */
const IDENTITIES = ['experiments', 'runs', 'run_events', 'studies', 'entities'];

/** The PostgreSQL store's tables, row by row, for copy-store. */
export function postgresTables(db: PgDatabase): TableAccess {
  return {
    isEmpty: async () => (await db.get('SELECT 1 FROM experiments LIMIT 1')) === undefined,
    read: async (table: StoreTable, offset: number, limit: number) => {
      const rows = await db.all<Record<string, unknown>>(
        `SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.order.replace('$seq', 'seq')} LIMIT ? OFFSET ?`,
        [limit, offset],
      );
      return rows.map((row) => table.columns.map((column) => row[column]));
    },
    write: async (table: StoreTable, rows: readonly unknown[][]) => {
      const row = `(${table.columns.map(() => '?').join(', ')})`;
      await db.run(`INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES ${rows.map(() => row).join(', ')}`, rows.flat());
    },
    finish: async () => {
      for (const name of IDENTITIES) {
        await db.run(`SELECT setval(pg_get_serial_sequence('${name}', 'id'), coalesce((SELECT max(id) FROM ${name}), 0) + 1, false)`);
      }
    },
  };
}
