import type { StatementCache } from '../statement-cache.js';

/** One environment record (JSON text) per run attempt: what the attempt ran on. */
export function saveEnvironment(sql: StatementCache, runId: number, attempt: number, data: string): void {
  sql
    .get(
      'INSERT INTO environments (run_id, attempt, data) VALUES (?, ?, ?) ON CONFLICT (run_id, attempt) DO UPDATE SET data = excluded.data',
    )
    .run(runId, attempt, data);
}

export function getEnvironment(sql: StatementCache, runId: number, attempt?: number): string | undefined {
  const row = sql
    .get('SELECT data FROM environments WHERE run_id = ? AND (? IS NULL OR attempt = ?) ORDER BY attempt DESC LIMIT 1')
    .get(runId, attempt ?? null, attempt ?? null) as { data: string } | undefined;
  return row?.data;
}
