import { SQLITE_BUSY, SqliteConnection, sqliteResultCode } from '../store/sqlite/connection.js';

/**
 * The lock that makes an engine the only one of its store on this host. It is an fcntl lock
 * on the lock file, taken through SQLite's file locking (Node has no flock): the kernel drops
 * it when the engine exits, even by SIGKILL, so a lock is never stale and never needs breaking.
 * Only engines take it; clients find an engine through its socket.
 */
export class EngineLock {
  private constructor(private readonly connection: SqliteConnection) {}

  /** Takes the lock, or returns undefined at once when another process holds it. */
  static tryAcquire(path: string): EngineLock | undefined {
    const connection = new SqliteConnection(path);
    try {
      // Exclusive locking mode keeps the lock the transaction takes until the connection closes.
      connection.exec('PRAGMA journal_mode = MEMORY; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT');
      return new EngineLock(connection);
    } catch (error) {
      connection.close();
      if (sqliteResultCode(error) === SQLITE_BUSY) return undefined;
      throw error;
    }
  }

  release(): void {
    this.connection.close();
  }
}
