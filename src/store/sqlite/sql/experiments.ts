import type { ExperimentRecord, SpecVersion } from '../../../domain/index.js';
import type { JsonValue } from '../../../spec/types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

interface ExperimentRow {
  id: number;
  name: string;
  spec: string;
  spec_version: number;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: ExperimentRow): ExperimentRecord => ({
  id: row.id,
  name: row.name,
  spec: JSON.parse(row.spec),
  specVersion: row.spec_version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const SELECT = `SELECT e.*, (SELECT coalesce(max(v.version), 0) FROM spec_versions v WHERE v.experiment_id = e.id) AS spec_version
  FROM experiments e`;

/**
 * Creates the experiment or makes `spec` its latest, in one transaction: a spec unlike the
 * latest version's (as text: the same file added again is the same version) becomes the
 * next version, unless `asLatestVersion` (its runs execute as the latest version's do).
 * Runs already planned keep the version they were planned with.
 */
export function saveExperiment(
  db: SqliteConnection,
  sql: StatementCache,
  name: string,
  spec: JsonValue,
  now: number,
  asLatestVersion: boolean,
): ExperimentRecord {
  const text = JSON.stringify(spec);
  return db.transaction(() => {
    const { id } = sql
      .get(
        `INSERT INTO experiments (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET spec = excluded.spec,
           updated_at = CASE WHEN experiments.spec = excluded.spec THEN experiments.updated_at ELSE excluded.updated_at END
         RETURNING id`,
      )
      .get(name, text, now, now) as { id: number };
    const latest = sql.get('SELECT version, spec FROM spec_versions WHERE experiment_id = ? ORDER BY version DESC LIMIT 1').get(id) as
      | { version: number; spec: string }
      | undefined;
    if (latest === undefined || (latest.spec !== text && !asLatestVersion)) {
      sql
        .get('INSERT INTO spec_versions (experiment_id, version, spec, created_at) VALUES (?, ?, ?, ?)')
        .run(id, (latest?.version ?? 0) + 1, text, now);
    }
    return getExperimentById(sql, id) as ExperimentRecord;
  }, 'immediate');
}

export function getExperiment(sql: StatementCache, name: string): ExperimentRecord | undefined {
  const row = sql.get(`${SELECT} WHERE e.name = ?`).get(name) as ExperimentRow | undefined;
  return row && toRecord(row);
}

export function getExperimentById(sql: StatementCache, id: number): ExperimentRecord | undefined {
  const row = sql.get(`${SELECT} WHERE e.id = ?`).get(id) as ExperimentRow | undefined;
  return row && toRecord(row);
}

export function listExperiments(sql: StatementCache): ExperimentRecord[] {
  return (sql.get(`${SELECT} ORDER BY e.name`).all() as ExperimentRow[]).map(toRecord);
}

interface SpecVersionRow {
  experiment_id: number;
  version: number;
  spec: string;
  created_at: number;
}

const toSpecVersion = (row: SpecVersionRow): SpecVersion => ({
  experimentId: row.experiment_id,
  version: row.version,
  spec: JSON.parse(row.spec),
  createdAt: row.created_at,
});

export function getSpecVersion(sql: StatementCache, experimentId: number, version: number): SpecVersion | undefined {
  const row = sql.get('SELECT * FROM spec_versions WHERE experiment_id = ? AND version = ?').get(experimentId, version) as
    | SpecVersionRow
    | undefined;
  return row && toSpecVersion(row);
}

export function listSpecVersions(sql: StatementCache, experimentId: number): SpecVersion[] {
  return (sql.get('SELECT * FROM spec_versions WHERE experiment_id = ? ORDER BY version').all(experimentId) as SpecVersionRow[]).map(
    toSpecVersion,
  );
}
