import type { RunEvent, RunRecord, RunState } from '../../domain/index.js';

/**
 * Columns selected for a RunRecord, in RunRow's order; `r` is runs, `e` is experiments. Both
 * backends read these rows as arrays: for 1,000 runs, ~1.3 ms against ~3.4 ms as objects
 * (node:sqlite's rows without a prototype are slow to read), twice in every driver's session.
 */
export const RUN_COLUMNS = `r.id, r.experiment_id, e.name AS experiment, r.spec_version, r.hash, r.params, r.state, r.priority, r.attempt,
  r.failures, r.losses, r.retries, r.lease_owner, r.lease_expires_at, r.worker_id, r.created_at, r.queued_at,
  r.started_at, r.finished_at, r.exit_code, r.failure_reason, r.error, r.result`;

export type RunRow = [
  id: number,
  experimentId: number,
  experiment: string,
  specVersion: number | null,
  hash: string,
  params: string,
  state: RunState,
  priority: number,
  attempt: number,
  failures: number,
  losses: number,
  retries: number,
  leaseOwner: string | null,
  leaseExpiresAt: number | null,
  workerId: string | null,
  createdAt: number,
  queuedAt: number,
  startedAt: number | null,
  finishedAt: number | null,
  exitCode: number | null,
  failureReason: string | null,
  error: string | null,
  result: string | null,
];

export function toRunRecord(row: RunRow): RunRecord {
  const result = row[22];
  return {
    id: row[0],
    experimentId: row[1],
    experiment: row[2],
    specVersion: row[3],
    hash: row[4],
    params: JSON.parse(row[5]),
    state: row[6],
    priority: row[7],
    attempt: row[8],
    failures: row[9],
    losses: row[10],
    retries: row[11],
    leaseOwner: row[12],
    leaseExpiresAt: row[13],
    workerId: row[14],
    createdAt: row[15],
    queuedAt: row[16],
    startedAt: row[17],
    finishedAt: row[18],
    exitCode: row[19],
    failureReason: row[20],
    error: row[21],
    result: result === null ? null : JSON.parse(result),
  };
}

/**
 * The raw spec a run executes (`r` is runs, `e` experiments): its version's, or the
 * experiment's latest for a run recorded by hand. Its settings are the run's settings.
 */
export const RUN_SPEC = `coalesce((SELECT v.spec FROM spec_versions v WHERE v.experiment_id = r.experiment_id AND v.version = r.spec_version), e.spec)`;

export interface RunEventRow {
  id: number;
  run_id: number;
  at: number;
  from_state: RunState | null;
  to_state: RunState;
  attempt: number;
  worker_id: string | null;
  reason: string | null;
}

export function toRunEvent(row: RunEventRow): RunEvent {
  return {
    id: row.id,
    runId: row.run_id,
    at: row.at,
    fromState: row.from_state,
    toState: row.to_state,
    attempt: row.attempt,
    workerId: row.worker_id,
    reason: row.reason,
  };
}

/** Appends one audit-trail row; callers run it inside the transaction of the change. */
export const INSERT_EVENT = `INSERT INTO run_events (run_id, at, from_state, to_state, attempt, worker_id, reason)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;
