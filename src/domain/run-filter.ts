import type { RunCondition } from '../query/dialect.js';
import type { RunState } from './run.js';

/** Which runs a store method acts on: every field given must hold. */
export interface RunFilter {
  experiments?: readonly string[];
  states?: readonly RunState[];
  ids?: readonly number[];
  /** Runs planned with these versions of their experiment's spec. */
  specVersions?: readonly number[];
  /**
   * A query (docs/query.md), parsed where it was written (parseRunCondition in src/query);
   * the store compiles it with its dialect, resolving keys among the runs the other fields select.
   */
  query?: RunCondition;
}
