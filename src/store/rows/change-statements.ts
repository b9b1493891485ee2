import type { RunFilter, RunState } from '../../domain/index.js';

/**
 * What cancel and reset write into the runs they change (`?` is the time), and which runs a
 * cancel may change: both backends select the runs, update them with these, and log an event
 * for each in one transaction.
 */
export const CANCEL_ASSIGNMENTS = `state = 'CANCELLED', failure_reason = 'cancelled', finished_at = ?, lease_owner = NULL, lease_expires_at = NULL`;
export const RESET_ASSIGNMENTS = `state = 'PENDING', queued_at = ?, failures = 0, losses = 0, lease_owner = NULL, lease_expires_at = NULL,
  started_at = NULL, finished_at = NULL, exit_code = NULL, failure_reason = NULL, error = NULL, result = NULL`;

/** The filter narrowed to what a cancel can change: PENDING and RUNNING runs (of those it names, if it names states). */
export function cancellable(filter: RunFilter): RunFilter & { states: RunState[] } {
  return { ...filter, states: (['PENDING', 'RUNNING'] as RunState[]).filter((state) => filter.states?.includes(state) ?? true) };
}
