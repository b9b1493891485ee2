import type { SqliteConnection, SqliteStatement } from './connection.js';

/**
 * Prepares each SQL text once per connection; the hot paths reuse their statements. Queries
 * produce many distinct texts, so the cache keeps only the most recently used ones.
 */
export class StatementCache {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(
    private readonly db: SqliteConnection,
    private readonly capacity = 256,
  ) {}

  get(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= this.capacity) this.statements.delete(this.statements.keys().next().value as string);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** The statement of `sql` with its rows read as arrays of values in column order, not objects. */
  arrays(sql: string): SqliteStatement {
    const statement = this.get(sql);
    statement.setReturnArrays(true);
    return statement;
  }

  get size(): number {
    return this.statements.size;
  }
}
