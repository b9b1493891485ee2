import type { RunState } from '../domain/index.js';

/**
 * The life of a run:
 *
 *   (enqueue) ─► PENDING ─claim─► RUNNING ─complete─► COMPLETED
 *                  ▲  ▲              │ fail, retries left ─► PENDING
 *                  │  │              │ fail, retries spent ─► FAILED
 *                  │  │              │ lease expired (worker lost) ─► PENDING, or FAILED after MAX_WORKER_LOSSES
 *                  │  │              │ released (Ctrl-C) ─► PENDING
 *                  │  └── reset ─────┴── COMPLETED | FAILED | CANCELLED | RUNNING
 *               cancel: PENDING | RUNNING ─► CANCELLED
 *
 * Every change is one transaction and leaves a row in run_events. An outcome is recorded
 * only while the worker's lease holds (see store/sqlite/sql/finish-run.ts).
 */
export { RUN_STATES, type RunState } from '../domain/run.js';

export const TERMINAL_STATES: readonly RunState[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** How many lost workers a run survives before it is marked FAILED ("worker lost"). */
export const MAX_WORKER_LOSSES = 3;

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.includes(state);
}
