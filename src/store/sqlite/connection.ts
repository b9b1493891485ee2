import { type AggregateOptions, DatabaseSync } from 'node:sqlite';

/*
 * The one file that knows the SQLite binding: Node's built-in node:sqlite (no native build).
 * Its API is still settling (Node 26 renames DatabaseSync to Database): such a change is made
 * here, and nothing else in labbook imports node:sqlite.
 */

/**
 * A prepared statement, with positional (`?`) or named (`@name`, given as one object)
 * parameters: numbers, strings, null, bigints and byte arrays. Rows are objects without a
 * prototype, typed by the caller, who knows the columns it selected.
 */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows as arrays of values in column order instead of objects. */
  setReturnArrays(enabled: boolean): void;
}

/** When a transaction takes the write lock: at its first write, or up front (waiting under the busy timeout). */
export type TransactionMode = 'deferred' | 'immediate';

export interface AggregateFunction<S> {
  /** The state of a new group. */
  start: () => S;
  /** Folds one row's arguments (as many as the function takes after the state) into the state. */
  step: (state: S, ...args: never[]) => S;
  result: (state: S) => number | string | null;
}

/** SQLite's primary result codes that labbook tells apart. */
export const SQLITE_ERROR = 1;
export const SQLITE_BUSY = 5;
export const SQLITE_LOCKED = 6;
export const SQLITE_READONLY = 8;
export const SQLITE_IOERR = 10;
export const SQLITE_CORRUPT = 11;
export const SQLITE_FULL = 13;
export const SQLITE_CANTOPEN = 14;
export const SQLITE_NOTADB = 26;

/** The primary SQLite result code of an error the binding threw, if it is one. */
export function sqliteResultCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

/** Rows handed out as domain objects, with Object's prototype (node:sqlite's rows have none). */
export function plainRows<T>(rows: readonly unknown[]): T[] {
  return rows.map((row) => ({ ...(row as object) }) as T);
}

/** One connection to a database file (or `:memory:`). */
export class SqliteConnection {
  private readonly db: DatabaseSync;
  private readonly begin: Record<TransactionMode, SqliteStatement>;
  private readonly commit: SqliteStatement;

  /** `busyTimeoutMs`: how long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
  constructor(location: string, options: { readOnly?: boolean; busyTimeoutMs?: number } = {}) {
    this.db = new DatabaseSync(location, { readOnly: options.readOnly ?? false, timeout: options.busyTimeoutMs ?? 0 });
    this.begin = { deferred: this.db.prepare('BEGIN'), immediate: this.db.prepare('BEGIN IMMEDIATE') };
    this.commit = this.db.prepare('COMMIT');
  }

  prepare(sql: string): SqliteStatement {
    return this.db.prepare(sql) as unknown as SqliteStatement;
  }

  /** Runs one or more statements that take no parameters. */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /**
   * Runs `work` in a transaction: committed when it returns, rolled back when it throws (unless
   * SQLite already rolled back, as it does on some errors such as a full disk).
   */
  transaction<T>(work: () => T, mode: TransactionMode = 'deferred'): T {
    this.begin[mode].run();
    try {
      const result = work();
      this.commit.run();
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Defines an aggregate SQL function for this connection; its arity is the step function's, less the state. */
  aggregate<S>(name: string, aggregate: AggregateFunction<S>): void {
    this.db.aggregate(name, { ...aggregate, deterministic: true } as unknown as AggregateOptions);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
