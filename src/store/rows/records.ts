import type { ArtifactRecord, CheckpointRecord, ExperimentRecord, RunTableRow, SpecVersion, WorkerRecord } from '../../domain/index.js';

/*
 * Rows as every backend's tables hold them (snake_case, JSON as text), and the domain records
 * they are read as. The SQL that selects them is portable; each backend runs it its own way.
 */

export interface ExperimentRow {
  id: number;
  name: string;
  spec: string;
  spec_version: number;
  created_at: number;
  updated_at: number;
}

/** Experiments `e` with their latest spec version; callers add WHERE / ORDER BY. */
export const SELECT_EXPERIMENTS = `SELECT e.*, (SELECT coalesce(max(v.version), 0) FROM spec_versions v WHERE v.experiment_id = e.id) AS spec_version
  FROM experiments e`;

export const toExperiment = (row: ExperimentRow): ExperimentRecord => ({
  id: row.id,
  name: row.name,
  spec: JSON.parse(row.spec),
  specVersion: row.spec_version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface SpecVersionRow {
  experiment_id: number;
  version: number;
  spec: string;
  created_at: number;
}

export const toSpecVersion = (row: SpecVersionRow): SpecVersion => ({
  experimentId: row.experiment_id,
  version: row.version,
  spec: JSON.parse(row.spec),
  createdAt: row.created_at,
});

export interface CheckpointRow {
  run_id: number;
  attempt: number;
  sha256: string;
  size: number;
  created_at: number;
}

export const SELECT_CHECKPOINT = 'SELECT run_id, attempt, sha256, size, created_at FROM checkpoints WHERE run_id = ?';

export const toCheckpoint = (row: CheckpointRow): CheckpointRecord => ({
  runId: row.run_id,
  attempt: row.attempt,
  sha256: row.sha256,
  size: row.size,
  createdAt: row.created_at,
});

export interface ArtifactRow {
  run_id: number;
  name: string;
  attempt: number;
  sha256: string;
  size: number;
  media_type: string;
  created_at: number;
}

export const toArtifact = (r: ArtifactRow): ArtifactRecord => ({
  runId: r.run_id,
  name: r.name,
  attempt: r.attempt,
  sha256: r.sha256,
  size: r.size,
  mediaType: r.media_type,
  createdAt: r.created_at,
});

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
  stopped_at: number | null;
  info: string;
}

/** The workers, oldest first; `running`: only those not stopped (both backends, no parameters). */
export const listWorkersSql = (running: boolean): string =>
  `SELECT * FROM workers ${running ? 'WHERE stopped_at IS NULL ' : ''}ORDER BY started_at`;

export const toWorker = (row: WorkerRow): WorkerRecord => ({
  id: row.id,
  host: row.host,
  pid: row.pid,
  startedAt: row.started_at,
  heartbeatAt: row.heartbeat_at,
  stoppedAt: row.stopped_at,
  info: JSON.parse(row.info),
});

/** A run table row as selected, its JSON columns as text (`metrics`: key → last value). */
export type RunTableRowText = Omit<RunTableRow, 'params' | 'result' | 'metrics'> & {
  params: string;
  result: string | null;
  metrics: string;
};

export const toRunTableRow = (row: RunTableRowText): RunTableRow => ({
  id: row.id,
  experiment: row.experiment,
  state: row.state,
  attempt: row.attempt,
  params: JSON.parse(row.params),
  result: row.result === null ? null : JSON.parse(row.result),
  metrics: JSON.parse(row.metrics),
});

/** An object stored once by its content; recording it again changes nothing. */
export const RECORD_OBJECT = 'INSERT INTO objects (sha256, size, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING';

/** A run's latest checkpoint (one per run): run_id, attempt, sha256, size, created_at. */
export const SAVE_CHECKPOINT = `INSERT INTO checkpoints (run_id, attempt, sha256, size, created_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (run_id) DO UPDATE SET attempt = excluded.attempt, sha256 = excluded.sha256, size = excluded.size,
    created_at = excluded.created_at`;

/** A run's artifact by name (the latest kept): run_id, name, attempt, sha256, size, media_type, created_at. */
export const SAVE_ARTIFACT = `INSERT INTO artifacts (run_id, name, attempt, sha256, size, media_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, name) DO UPDATE SET attempt = excluded.attempt, sha256 = excluded.sha256, size = excluded.size,
    media_type = excluded.media_type, created_at = excluded.created_at`;

/** An experiment made if its name is new (runs by hand, a study's trials); name, spec, created_at, updated_at. */
export const ENSURE_EXPERIMENT =
  'INSERT INTO experiments (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING';
