import type { ArtifactRecord, CheckpointRecord, StoredObject } from '../../../domain/index.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/**
 * Blobs live as files under <store>/objects; these rows say which exist and what points at
 * them. Callers write the file durably first, then the row: a crash in between leaves an
 * unreferenced file (harmless), never a row pointing at nothing.
 */
const RECORD_OBJECT = 'INSERT INTO objects (sha256, size, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING';

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
    sql
      .get(
        `INSERT INTO checkpoints (run_id, attempt, sha256, size, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET attempt = excluded.attempt, sha256 = excluded.sha256, size = excluded.size,
           created_at = excluded.created_at`,
      )
      .run(runId, attempt, object.sha256, object.size, now);
  }, 'immediate');
}

export function getCheckpoint(sql: StatementCache, runId: number): CheckpointRecord | undefined {
  const row = sql.get('SELECT run_id, attempt, sha256, size, created_at FROM checkpoints WHERE run_id = ?').get(runId) as
    | { run_id: number; attempt: number; sha256: string; size: number; created_at: number }
    | undefined;
  return row && { runId: row.run_id, attempt: row.attempt, sha256: row.sha256, size: row.size, createdAt: row.created_at };
}

export function addArtifact(db: SqliteConnection, sql: StatementCache, artifact: Omit<ArtifactRecord, 'createdAt'>, now: number): void {
  db.transaction(() => {
    sql.get(RECORD_OBJECT).run(artifact.sha256, artifact.size, now);
    sql
      .get(
        `INSERT INTO artifacts (run_id, name, attempt, sha256, size, media_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, name) DO UPDATE SET attempt = excluded.attempt, sha256 = excluded.sha256, size = excluded.size,
           media_type = excluded.media_type, created_at = excluded.created_at`,
      )
      .run(artifact.runId, artifact.name, artifact.attempt, artifact.sha256, artifact.size, artifact.mediaType, now);
  }, 'immediate');
}

export function listArtifacts(sql: StatementCache, runId: number): ArtifactRecord[] {
  const rows = sql.get('SELECT * FROM artifacts WHERE run_id = ? ORDER BY name').all(runId) as Array<{
    run_id: number;
    name: string;
    attempt: number;
    sha256: string;
    size: number;
    media_type: string;
    created_at: number;
  }>;
  return rows.map((r) => ({
    runId: r.run_id,
    name: r.name,
    attempt: r.attempt,
    sha256: r.sha256,
    size: r.size,
    mediaType: r.media_type,
    createdAt: r.created_at,
  }));
}
