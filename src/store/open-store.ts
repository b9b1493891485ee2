import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StoreNotFoundError, StoreNotLabbookError, UsageError } from '../errors.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

/** The directory a project keeps its store in, like .git. */
export const STORE_DIR = '.labbook';
const DB_FILE = 'labbook.db';

export interface StoreLocationOptions {
  /** `--store`: a .labbook directory, a project directory containing one, or a postgres:// URL. */
  store?: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the store: `--store`, else $LABBOOK_STORE, else the nearest .labbook directory
 * from the working directory upwards (as git finds .git).
 */
export async function openStore(options: StoreLocationOptions): Promise<Store> {
  const dir = locateStore(options);
  return new SqliteStore(storeDatabase(dir), dir);
}

/** The store directory openStore would open, without opening it; StoreNotFoundError when there is none, StoreNotLabbookError when it is empty. */
export function locateStore(options: StoreLocationOptions): string {
  const given = options.store ?? options.env?.LABBOOK_STORE;
  if (given && /^postgres(ql)?:\/\//.test(given)) {
    throw new UsageError('PostgreSQL stores are not supported by this version yet; use a SQLite store (labbook init).');
  }
  const dir = given ? storeDirOf(resolve(options.cwd, given)) : findStoreDir(options.cwd);
  if (!dir || !existsSync(storeDatabase(dir))) throw new StoreNotFoundError(dir ?? join(options.cwd, STORE_DIR));
  refuseEmpty(storeDatabase(dir));
  return dir;
}

/** The database file of the store in `dir`. */
export function storeDatabase(dir: string): string {
  return join(dir, DB_FILE);
}

/** Creates (or opens, if it exists) the store in `<dir>/.labbook`; returns it and whether it is new. */
export async function initStore(options: StoreLocationOptions): Promise<{ store: Store; created: boolean }> {
  const given = options.store ?? options.env?.LABBOOK_STORE;
  const dir = given ? storeDirOf(resolve(options.cwd, given)) : join(options.cwd, STORE_DIR);
  const created = !existsSync(join(dir, DB_FILE));
  if (!created) refuseEmpty(join(dir, DB_FILE));
  mkdirSync(dir, { recursive: true });
  // The store holds results and blobs, not source: keep it out of git by default.
  if (created) writeFileSync(join(dir, '.gitignore'), '*\n');
  return { store: new SqliteStore(join(dir, DB_FILE), dir), created };
}

/**
 * SQLite takes an empty file for an empty database, which opening the store would make into
 * a new one. No store labbook made is empty (its first write, the journal mode, gives it a
 * page): an empty labbook.db is a store lost (a failed copy, a full disk) or someone else's.
 */
function refuseEmpty(file: string): void {
  if (statSync(file).size === 0) throw new StoreNotLabbookError(file);
}

function storeDirOf(path: string): string {
  return path.endsWith(STORE_DIR) || existsSync(join(path, DB_FILE)) ? path : join(path, STORE_DIR);
}

function findStoreDir(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, STORE_DIR, DB_FILE))) return join(dir, STORE_DIR);
    if (dirname(dir) === dir) return undefined;
  }
}
