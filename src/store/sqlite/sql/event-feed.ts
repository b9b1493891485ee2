import type { FeedHead, FeedMetricPoint, FeedRunEvent } from '../../../domain/feed.js';
import { type RunEventRow, toRunEvent } from '../../rows/run-row.js';
import { plainRows } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/**
 * The store's changes in the order they were written, read by id: every state change (the
 * audit trail of run_events) and every metric point (the rowid of metrics). A reader that
 * remembers the last ids it saw misses nothing and sees nothing twice: what live views need.
 */
export function feedHead(sql: StatementCache): FeedHead {
  const row = sql
    .get('SELECT (SELECT coalesce(max(id), 0) FROM run_events) AS runEvent, (SELECT coalesce(max(rowid), 0) FROM metrics) AS metric')
    .get() as FeedHead;
  return { runEvent: row.runEvent, metric: row.metric };
}

export function runEventsAfter(sql: StatementCache, afterId: number, limit: number): FeedRunEvent[] {
  const rows = sql
    .get(
      `SELECT ev.*, e.name AS experiment FROM run_events ev JOIN runs r ON r.id = ev.run_id JOIN experiments e ON e.id = r.experiment_id
       WHERE ev.id > ? ORDER BY ev.id LIMIT ?`,
    )
    .all(afterId, limit) as Array<RunEventRow & { experiment: string }>;
  return rows.map((row) => ({ ...toRunEvent(row), experiment: row.experiment }));
}

export function metricPointsAfter(sql: StatementCache, afterSeq: number, limit: number): FeedMetricPoint[] {
  const rows = sql
    .get('SELECT rowid AS seq, run_id AS runId, attempt, key, step, at, value FROM metrics WHERE rowid > ? ORDER BY rowid LIMIT ?')
    .all(afterSeq, limit);
  return plainRows(rows);
}
