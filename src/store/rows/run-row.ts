import type { RunEvent, RunRecord, RunState } from '../../domain/index.js';

/** Columns selected for a RunRecord; `r` is runs, `e` is experiments. */
export const RUN_COLUMNS = `r.id, r.experiment_id, e.name AS experiment, r.spec_version, r.hash, r.params, r.state, r.priority, r.attempt,
  r.failures, r.losses, r.retries, r.lease_owner, r.lease_expires_at, r.worker_id, r.created_at, r.queued_at,
  r.started_at, r.finished_at, r.exit_code, r.failure_reason, r.error, r.result`;

export interface RunRow {
  id: number;
  experiment_id: number;
  experiment: string;
  spec_version: number | null;
  hash: string;
  params: string;
  state: RunState;
  priority: number;
  attempt: number;
  failures: number;
  losses: number;
  retries: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  worker_id: string | null;
  created_at: number;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  failure_reason: string | null;
  error: string | null;
  result: string | null;
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    experiment: row.experiment,
    specVersion: row.spec_version,
    hash: row.hash,
    params: JSON.parse(row.params),
    state: row.state,
    priority: row.priority,
    attempt: row.attempt,
    failures: row.failures,
    losses: row.losses,
    retries: row.retries,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    workerId: row.worker_id,
    createdAt: row.created_at,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    exitCode: row.exit_code,
    failureReason: row.failure_reason,
    error: row.error,
    result: row.result === null ? null : JSON.parse(row.result),
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
