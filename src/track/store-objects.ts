import { join, sep } from 'node:path';
import type { Store } from '../store/types.js';
import { ObjectStore } from './object-store.js';

/** The store's blob directory, `<store>/objects/`. */
export function objectsOf(store: Store): ObjectStore {
  return new ObjectStore(join(store.dataDir, 'objects'));
}

/** Where a run's files are (its stdout.log, stderr.log, labbook.log): `<store>/runs/<id>/`. */
export function runDirectoryOf(store: Store, runId: number): string {
  return runDirectoryIn(runsDirectoryOf(store), runId);
}

/** `<store>/runs/`, where the runs' directories are. */
export function runsDirectoryOf(store: Store): string {
  return join(store.dataDir, 'runs');
}

/** A run's directory in `runs` (runsDirectoryOf): concatenated, not normalised by join (it is on the path of every run). */
export function runDirectoryIn(runs: string, runId: number): string {
  return `${runs}${sep}${runId}`;
}
