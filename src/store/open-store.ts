import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StoreNotFoundError, StoreNotLabbookError, UsageError } from '../errors.js';
import { nearestHolding } from '../util/nearest-holding.js';
import { isPostgresUrl } from './postgres/postgres-url.js';
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
  /** `init --objects`: where a new PostgreSQL store keeps its object files (a directory every machine sees). */
  objectsDir?: string;
}

/**
 * Opens the store: `--store`, else $LABBOOK_STORE, else the nearest .labbook directory
 * from the working directory upwards (as git finds .git). A postgres:// URL names a
 * PostgreSQL store, made by `labbook init --store URL`.
 */
export async function openStore(options: StoreLocationOptions): Promise<Store> {
  const located = locateStore(options);
  if (isPostgresUrl(located)) return (await postgresBackend()).open(located);
  return new SqliteStore(storeDatabase(located), located);
}

/**
 * The PostgreSQL backend, loaded when a store is one: `pg` and its dependencies take ~15 ms
 * to load, which every command and the engine would otherwise pay on an SQLite store.
 */
async function postgresBackend() {
  return (await import('./postgres/postgres-store.js')).PostgresStore;
}

/**
 * The store openStore would open, without opening it: its directory, or its PostgreSQL URL
 * (as given). For a directory, StoreNotFoundError when there is none, StoreNotLabbookError
 * when it is empty.
 */
export function locateStore(options: StoreLocationOptions): string {
  const given = options.store ?? options.env?.LABBOOK_STORE;
  if (given && isPostgresUrl(given)) return given;
  const dir = given ? storeDirOf(resolve(options.cwd, given)) : findStoreDir(options.cwd);
  if (!dir || !existsSync(storeDatabase(dir))) throw new StoreNotFoundError(dir ?? join(options.cwd, STORE_DIR));
  refuseEmpty(storeDatabase(dir));
  return dir;
}

/** The database file of the store in `dir`. */
export function storeDatabase(dir: string): string {
  return join(dir, DB_FILE);
}

/** Creates (or opens, if it exists) the store in `<dir>/.labbook`, or the PostgreSQL store of a URL; returns it and whether it is new. */
export async function initStore(options: StoreLocationOptions): Promise<{ store: Store; created: boolean }> {
  const given = options.store ?? options.env?.LABBOOK_STORE;
  if (given && isPostgresUrl(given)) {
    const store = await (await postgresBackend()).open(given, {
      ...(options.objectsDir !== undefined && { objectsDir: resolve(options.cwd, options.objectsDir) }),
    });
    mkdirSync(store.dataDir, { recursive: true });
    return { store, created: store.created };
  }
  if (options.objectsDir !== undefined)
    throw new UsageError('--objects is for a PostgreSQL store (--store postgres://…); an SQLite store keeps its objects in its directory');
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
  const project = nearestHolding(cwd, join(STORE_DIR, DB_FILE));
  return project === undefined ? undefined : join(project, STORE_DIR);
}
