import type { RunFilter } from '../domain/index.js';
import type { RunSort } from './types.js';

/**
 * What the dashboard's runs tables read besides pages: the ids of a selection in its order,
 * without the runs (the engine keeps them while the store does not change, and reads the
 * runs of one page at a time; src/engine/run-page-cache.ts).
 */
export interface RunOrderStore {
  /** The ids of the runs `filter` selects, in `sort`'s order (pageRuns' order; run order without one). */
  orderedRunIds(filter: RunFilter, sort?: RunSort): Promise<number[]>;
}
