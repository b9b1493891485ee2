import type { JsonValue } from '../../../spec/types.js';
import type { ExperimentRecord } from '../../types.js';
import type { StatementCache } from '../statement-cache.js';

interface ExperimentRow {
  id: number;
  name: string;
  spec: string;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: ExperimentRow): ExperimentRecord => ({
  id: row.id,
  name: row.name,
  spec: JSON.parse(row.spec),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Creates the experiment or replaces its spec: the latest spec added is what workers run. */
export function saveExperiment(sql: StatementCache, name: string, spec: JsonValue, now: number): ExperimentRecord {
  const row = sql
    .get(
      `INSERT INTO experiments (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET spec = excluded.spec,
         updated_at = CASE WHEN experiments.spec = excluded.spec THEN experiments.updated_at ELSE excluded.updated_at END
       RETURNING *`,
    )
    .get(name, JSON.stringify(spec), now, now) as ExperimentRow;
  return toRecord(row);
}

export function getExperiment(sql: StatementCache, name: string): ExperimentRecord | undefined {
  const row = sql.get('SELECT * FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
  return row && toRecord(row);
}

export function getExperimentById(sql: StatementCache, id: number): ExperimentRecord | undefined {
  const row = sql.get('SELECT * FROM experiments WHERE id = ?').get(id) as ExperimentRow | undefined;
  return row && toRecord(row);
}

export function listExperiments(sql: StatementCache): ExperimentRecord[] {
  return (sql.get('SELECT * FROM experiments ORDER BY name').all() as ExperimentRow[]).map(toRecord);
}
