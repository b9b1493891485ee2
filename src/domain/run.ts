import type { JsonValue, Params } from '../spec/types.js';

/** A run: one point of an experiment's plan, its state (src/queue/run-state.ts) and its last outcome. */

/** See src/queue/run-state.ts for the state machine. */
export const RUN_STATES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

export type RunState = (typeof RUN_STATES)[number];

/** How many runs are in each state. */
export type StateCounts = Record<RunState, number>;

/** Every state at zero, for counts to add to. */
export function zeroStateCounts(): StateCounts {
  return Object.fromEntries(RUN_STATES.map((state) => [state, 0])) as StateCounts;
}

export interface RunRecord {
  id: number;
  experimentId: number;
  experiment: string;
  /** The version of its experiment's spec it executes; null for a run recorded by hand. */
  specVersion: number | null;
  hash: string;
  params: Params;
  state: RunState;
  priority: number;
  /** Times the run was claimed; the current or last attempt's number. */
  attempt: number;
  failures: number;
  losses: number;
  retries: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  workerId: string | null;
  createdAt: number;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  failureReason: string | null;
  error: string | null;
  result: JsonValue | null;
}

// Typed as a record of every field: the compiler names one added to RunRecord and missing here.
const RUN_RECORD_FIELD_SET: Record<keyof RunRecord, true> = {
  id: true,
  experimentId: true,
  experiment: true,
  specVersion: true,
  hash: true,
  params: true,
  state: true,
  priority: true,
  attempt: true,
  failures: true,
  losses: true,
  retries: true,
  leaseOwner: true,
  leaseExpiresAt: true,
  workerId: true,
  createdAt: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  exitCode: true,
  failureReason: true,
  error: true,
  result: true,
};

/** The fields of a RunRecord, for a client that asks for some of them (a driver session's report). */
export const RUN_RECORD_FIELDS = Object.keys(RUN_RECORD_FIELD_SET) as [keyof RunRecord, ...(keyof RunRecord)[]];

/** What a table of runs shows of each (the Python Reader's): see Store.listRunTableRows. */
export interface RunTableRow {
  id: number;
  experiment: string;
  state: RunState;
  attempt: number;
  params: Params;
  result: JsonValue | null;
  /** The last value of each of its metrics (of the latest attempt that logged it). */
  metrics: Record<string, number | null>;
}

export interface RunEvent {
  id: number;
  runId: number;
  at: number;
  fromState: RunState | null;
  toState: RunState;
  attempt: number;
  workerId: string | null;
  reason: string | null;
}

export interface StateCount {
  experiment: string;
  state: RunState;
  count: number;
}
