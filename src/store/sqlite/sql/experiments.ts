import type { ExperimentRecord, SpecVersion } from '../../../domain/index.js';
import type { JsonValue } from '../../../spec/types.js';
import { type ExperimentRow, SELECT_EXPERIMENTS, type SpecVersionRow, toExperiment, toSpecVersion } from '../../rows/records.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

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
  const row = sql.get(`${SELECT_EXPERIMENTS} WHERE e.name = ?`).get(name) as ExperimentRow | undefined;
  return row && toExperiment(row);
}

export function getExperimentById(sql: StatementCache, id: number): ExperimentRecord | undefined {
  const row = sql.get(`${SELECT_EXPERIMENTS} WHERE e.id = ?`).get(id) as ExperimentRow | undefined;
  return row && toExperiment(row);
}

export function listExperiments(sql: StatementCache): ExperimentRecord[] {
  return (sql.get(`${SELECT_EXPERIMENTS} ORDER BY e.name`).all() as ExperimentRow[]).map(toExperiment);
}

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
