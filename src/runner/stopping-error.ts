import { EnvironmentError, StoreFullError, StoreIoError, StoreReadOnlyError } from '../errors.js';

/**
 * The error that keeps a worker from going on, if `error` is one: the store or the machine
 * cannot be used as it is (EnvironmentError), including a file the worker writes beside the
 * store (a run's directory, its log) on a disk that is full, read-only or failing.
 */
export function stoppingErrorOf(error: unknown, storeLocation: string): EnvironmentError | undefined {
  if (error instanceof EnvironmentError) return error;
  const detail = (error as Error | null)?.message ?? String(error);
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StoreFullError(storeLocation, detail, { cause: error });
    case 'EROFS':
      return new StoreReadOnlyError(storeLocation, detail, { cause: error });
    case 'EIO':
      return new StoreIoError(storeLocation, detail, { cause: error });
    default:
      return undefined;
  }
}
