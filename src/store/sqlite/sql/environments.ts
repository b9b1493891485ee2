import type { JsonValue } from '../../../spec/types.js';
import { partsOfSplits, readEnvironment, skeletonJson, splitEnvironment } from '../../environment-parts.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/** One environment record per run attempt: what the attempt ran on; its large parts are shared. */
export function saveEnvironment(db: SqliteConnection, sql: StatementCache, runId: number, attempt: number, data: JsonValue): void {
  db.transaction(() => insertEnvironment(sql, runId, attempt, data));
}

/** saveEnvironment's writes, inside the caller's transaction. */
export function insertEnvironment(sql: StatementCache, runId: number, attempt: number, data: JsonValue): void {
  insertEnvironments(sql, [{ runId, attempt, data }]);
}

/** The environments of several run attempts, inside the caller's transaction: each part once, the skeletons in one statement. */
export function insertEnvironments(
  sql: StatementCache,
  environments: ReadonlyArray<{ runId: number; attempt: number; data: JsonValue }>,
): void {
  if (environments.length === 0) return;
  const attempts = environments.map(({ runId, attempt, data }) => ({ runId, attempt, split: splitEnvironment(data) }));
  const rows = attempts.map(({ runId, attempt, split }) => [runId, attempt, skeletonJson(split)]);
  const parts = partsOfSplits(attempts.map(({ split }) => split));
  const insertPart = sql.get('INSERT INTO environment_parts (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING');
  for (const [sha256, text] of parts) insertPart.run(sha256, text);
  sql
    .get(
      `INSERT INTO environments (run_id, attempt, data) SELECT d.value ->> 0, d.value ->> 1, d.value ->> 2 FROM json_each(?) AS d WHERE true
       ON CONFLICT (run_id, attempt) DO UPDATE SET data = excluded.data`,
    )
    .run(JSON.stringify(rows));
}

export function getEnvironment(sql: StatementCache, runId: number, attempt?: number): JsonValue | undefined {
  const row = sql
    .get('SELECT data FROM environments WHERE run_id = ? AND (? IS NULL OR attempt = ?) ORDER BY attempt DESC LIMIT 1')
    .get(runId, attempt ?? null, attempt ?? null) as { data: string } | undefined;
  if (!row) return undefined;
  const readPart = sql.get('SELECT data FROM environment_parts WHERE sha256 = ?');
  return readEnvironment(JSON.parse(row.data) as JsonValue, (sha256s) => {
    const texts = new Map<string, string>();
    for (const sha256 of sha256s) {
      const part = readPart.get(sha256) as { data: string } | undefined;
      if (part) texts.set(sha256, part.data);
    }
    return texts;
  });
}
