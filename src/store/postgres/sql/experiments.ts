import type { ExperimentRecord, SpecVersion } from '../../../domain/index.js';
import type { JsonValue } from '../../../spec/types.js';
import { type ExperimentRow, SELECT_EXPERIMENTS, type SpecVersionRow, toExperiment, toSpecVersion } from '../../rows/records.js';
import type { PgDatabase, PgSession } from '../pg-database.js';

/**
 * Creates the experiment or makes `spec` its latest, in one transaction; the experiment's row
 * is locked (the upsert) so two processes saving the same spec make one version.
 */
export async function saveExperiment(
  db: PgDatabase,
  name: string,
  spec: JsonValue,
  now: number,
  asLatestVersion: boolean,
): Promise<ExperimentRecord> {
  const text = JSON.stringify(spec);
  return db.transaction(async (tx) => {
    const saved = await tx.get<{ id: number }>(
      `INSERT INTO experiments (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET spec = excluded.spec,
         updated_at = CASE WHEN experiments.spec = excluded.spec THEN experiments.updated_at ELSE excluded.updated_at END
       RETURNING id`,
      [name, text, now, now],
    );
    const id = (saved as { id: number }).id;
    const latest = await tx.get<{ version: number; spec: string }>(
      'SELECT version, spec FROM spec_versions WHERE experiment_id = ? ORDER BY version DESC LIMIT 1',
      [id],
    );
    if (latest === undefined || (latest.spec !== text && !asLatestVersion)) {
      await tx.run('INSERT INTO spec_versions (experiment_id, version, spec, created_at) VALUES (?, ?, ?, ?)', [
        id,
        (latest?.version ?? 0) + 1,
        text,
        now,
      ]);
    }
    return (await getExperimentById(tx, id)) as ExperimentRecord;
  });
}

export async function getExperiment(db: PgSession, name: string): Promise<ExperimentRecord | undefined> {
  const row = await db.get<ExperimentRow>(`${SELECT_EXPERIMENTS} WHERE e.name = ?`, [name]);
  return row && toExperiment(row);
}

export async function getExperimentById(db: PgSession, id: number): Promise<ExperimentRecord | undefined> {
  const row = await db.get<ExperimentRow>(`${SELECT_EXPERIMENTS} WHERE e.id = ?`, [id]);
  return row && toExperiment(row);
}

export async function listExperiments(db: PgSession): Promise<ExperimentRecord[]> {
  return (await db.all<ExperimentRow>(`${SELECT_EXPERIMENTS} ORDER BY e.name COLLATE "C"`)).map(toExperiment);
}

export async function getSpecVersion(db: PgSession, experimentId: number, version: number): Promise<SpecVersion | undefined> {
  const row = await db.get<SpecVersionRow>('SELECT * FROM spec_versions WHERE experiment_id = ? AND version = ?', [experimentId, version]);
  return row && toSpecVersion(row);
}

export async function listSpecVersions(db: PgSession, experimentId: number): Promise<SpecVersion[]> {
  return (await db.all<SpecVersionRow>('SELECT * FROM spec_versions WHERE experiment_id = ? ORDER BY version', [experimentId])).map(
    toSpecVersion,
  );
}
