import type { ExperimentSpec } from './types.js';

/**
 * Whether the spec says how its runs execute (a command, a function, or a Python driver); a
 * spec without any only queues runs (`labbook add`) or records runs made by hand.
 */
export function executesRuns(spec: ExperimentSpec): boolean {
  return Boolean(spec.command || spec.function || spec.driver);
}
