import { join } from 'node:path';
import type { Store } from '../store/types.js';
import { ObjectStore } from './object-store.js';

/** The store's blob directory, `<store>/objects/`. */
export function objectsOf(store: Store): ObjectStore {
  return new ObjectStore(join(store.dataDir, 'objects'));
}

/** Where a run's files are (its stdout.log, stderr.log, labbook.log): `<store>/runs/<id>/`. */
export function runDirectoryOf(store: Store, runId: number): string {
  return join(store.dataDir, 'runs', String(runId));
}
