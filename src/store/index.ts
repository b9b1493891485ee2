export { initStore, locateStore, openStore, STORE_DIR, type StoreLocationOptions } from './open-store.js';
export type * from './provenance-types.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export * from './types.js';
