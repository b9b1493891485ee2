import type { ArtifactRecord, CheckpointRecord, StoredObject } from '../../../domain/index.js';
import {
  type ArtifactRow,
  type CheckpointRow,
  RECORD_OBJECT,
  SAVE_ARTIFACT,
  SAVE_CHECKPOINT,
  SELECT_CHECKPOINT,
  toArtifact,
  toCheckpoint,
} from '../../rows/records.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/**
 * Blobs live as files under <store>/objects; these rows say which exist and what points at
 * them. Callers write the file durably first, then the row: a crash in between leaves an
 * unreferenced file (harmless), never a row pointing at nothing.
 */
export function recordObject(sql: StatementCache, object: StoredObject, now: number): void {
  sql.get(RECORD_OBJECT).run(object.sha256, object.size, now);
}

export function saveCheckpoint(
  db: SqliteConnection,
  sql: StatementCache,
  runId: number,
  attempt: number,
  object: StoredObject,
  now: number,
): void {
  db.transaction(() => {
    sql.get(RECORD_OBJECT).run(object.sha256, object.size, now);
    sql.get(SAVE_CHECKPOINT).run(runId, attempt, object.sha256, object.size, now);
  }, 'immediate');
}

export function getCheckpoint(sql: StatementCache, runId: number): CheckpointRecord | undefined {
  const row = sql.get(SELECT_CHECKPOINT).get(runId) as CheckpointRow | undefined;
  return row && toCheckpoint(row);
}

export function addArtifact(db: SqliteConnection, sql: StatementCache, artifact: Omit<ArtifactRecord, 'createdAt'>, now: number): void {
  db.transaction(() => {
    sql.get(RECORD_OBJECT).run(artifact.sha256, artifact.size, now);
    sql.get(SAVE_ARTIFACT).run(artifact.runId, artifact.name, artifact.attempt, artifact.sha256, artifact.size, artifact.mediaType, now);
  }, 'immediate');
}

export function listArtifacts(sql: StatementCache, runId: number): ArtifactRecord[] {
  return (sql.get('SELECT * FROM artifacts WHERE run_id = ? ORDER BY name').all(runId) as ArtifactRow[]).map(toArtifact);
}
