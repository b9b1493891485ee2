import { StoreBusyError, StoreCorruptError, StoreFullError, StoreIoError, StoreReadOnlyError } from '../../errors.js';
import {
  SQLITE_BUSY,
  SQLITE_CANTOPEN,
  SQLITE_CORRUPT,
  SQLITE_ERROR,
  SQLITE_FULL,
  SQLITE_IOERR,
  SQLITE_LOCKED,
  SQLITE_NOTADB,
  SQLITE_READONLY,
  sqliteResultCode,
} from './connection.js';

/**
 * What an error of SQLite means for the user of the store at `location`: a LabbookError that
 * says what to do (a lock held too long, a full disk, a read-only or damaged file), or the
 * error itself when it is none of these (then it is a bug of labbook's, reported as one).
 */
export function storeErrorOf(error: unknown, location: string): unknown {
  const code = sqliteResultCode(error);
  if (code === undefined) return error;
  const detail = `SQLite: ${(error as Error).message}`;
  const options = { cause: error };
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new StoreBusyError(location, options);
    case SQLITE_FULL:
      return new StoreFullError(location, detail, options);
    // A store on a read-only file system cannot even be opened: WAL mode needs its -shm file.
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return new StoreReadOnlyError(location, detail, options);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return new StoreCorruptError(location, detail, options);
    case SQLITE_IOERR:
      return new StoreIoError(location, detail, options);
    case SQLITE_ERROR:
      // Every table is made by a migration the store has recorded: one missing was dropped.
      return /^no such table:/.test((error as Error).message) ? new StoreCorruptError(location, detail, options) : error;
    default:
      return error;
  }
}
