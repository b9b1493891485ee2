import { StoreBusyError, StoreFullError, StoreReadOnlyError, StoreUnreachableError } from '../../errors.js';
import { isTransient } from './pg-database.js';

/**
 * What an error of PostgreSQL means for the user of the store at `location` (a URL without
 * its password): a LabbookError that says what to do, or the error itself when it is none of
 * these (a bug of labbook's, reported as one). Codes: PostgreSQL's SQLSTATE appendix.
 */
export function postgresErrorOf(error: unknown, location: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = `PostgreSQL: ${(error as Error)?.message}`;
  const options = { cause: error };
  if (isTransient(error) || code === 'ENOTFOUND' || code === '28P01' || code === '28000' || code === '3D000') {
    return new StoreUnreachableError(location, detail, options);
  }
  if (code === '55P03' || code === '57014') return new StoreBusyError(location, options);
  if (code === '53100') return new StoreFullError(location, detail, options);
  if (code === '25006' || code === '42501') return new StoreReadOnlyError(location, detail, options);
  return error;
}
