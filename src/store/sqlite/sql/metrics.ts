import type { MetricPoint, MetricSummary, RunFilter } from '../../../domain/index.js';
import { plainRows, type SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { runFilterSql } from './run-filter.js';

/**
 * Points are appended in one transaction per batch; the batch is folded into the per-key
 * summaries in the same transaction, so a query never sees points without their summary.
 * A summary belongs to the latest attempt that logged the key: a new attempt starts it
 * afresh, and late points of an older attempt (a lost worker) do not touch it.
 */
const UPSERT_SUMMARY = `INSERT INTO metric_summaries (run_id, key, attempt, first, last, min, max, count, last_step, updated_at)
  VALUES (@runId, @key, @attempt, @first, @last, @min, @max, @count, @lastStep, @now)
  ON CONFLICT (run_id, key) DO UPDATE SET
    first = CASE WHEN excluded.attempt > attempt THEN excluded.first ELSE first END,
    min = CASE WHEN excluded.attempt > attempt OR min IS NULL THEN excluded.min
               WHEN excluded.min IS NULL THEN min ELSE min(min, excluded.min) END,
    max = CASE WHEN excluded.attempt > attempt OR max IS NULL THEN excluded.max
               WHEN excluded.max IS NULL THEN max ELSE max(max, excluded.max) END,
    count = CASE WHEN excluded.attempt > attempt THEN excluded.count ELSE count + excluded.count END,
    last = excluded.last,
    last_step = excluded.last_step,
    attempt = excluded.attempt,
    updated_at = excluded.updated_at
  WHERE excluded.attempt >= attempt`;

type BatchSummary = MetricSummary & { runId: number; now: number };

export function appendMetrics(
  db: SqliteConnection,
  sql: StatementCache,
  runId: number,
  attempt: number,
  points: readonly MetricPoint[],
): void {
  if (points.length === 0) return;
  const insert = sql.get('INSERT INTO metrics (run_id, attempt, key, step, at, value) VALUES (?, ?, ?, ?, ?, ?)');
  const upsert = sql.get(UPSERT_SUMMARY);
  const summaries = new Map<string, BatchSummary>();
  for (const point of points) {
    let summary = summaries.get(point.key);
    if (!summary) {
      summary = {
        runId,
        key: point.key,
        attempt,
        first: point.value,
        last: null,
        min: null,
        max: null,
        count: 0,
        lastStep: null,
        now: point.at,
      };
      summaries.set(point.key, summary);
    }
    summary.last = point.value;
    summary.lastStep = point.step;
    summary.count++;
    summary.now = point.at;
    if (point.value !== null) {
      summary.min = summary.min === null ? point.value : Math.min(summary.min, point.value);
      summary.max = summary.max === null ? point.value : Math.max(summary.max, point.value);
    }
  }
  db.transaction(() => {
    for (const p of points) insert.run(runId, attempt, p.key, p.step, p.at, p.value);
    for (const summary of summaries.values()) upsert.run(summary);
  }, 'immediate');
}

export function readMetrics(sql: StatementCache, runId: number, key: string, attempt?: number): MetricPoint[] {
  const rows = sql
    .get(
      `SELECT key, step, at, value FROM metrics
       WHERE run_id = ? AND key = ? AND attempt = coalesce(?, (SELECT attempt FROM metric_summaries WHERE run_id = ? AND key = ?))
       ORDER BY rowid`,
    )
    .all(runId, key, attempt ?? null, runId, key);
  return plainRows(rows);
}

export function listMetricSummaries(sql: StatementCache, runId: number): MetricSummary[] {
  const rows = sql
    .get(
      `SELECT key, attempt, first, last, min, max, count, last_step AS lastStep FROM metric_summaries
       WHERE run_id = ? ORDER BY key`,
    )
    .all(runId);
  return plainRows(rows);
}

export function listRunsMetricSummaries(sql: StatementCache, filter: RunFilter): Array<MetricSummary & { runId: number }> {
  const { where, params } = runFilterSql(sql, filter);
  const rows = sql
    .get(
      `SELECT m.run_id AS runId, m.key, m.attempt, m.first, m.last, m.min, m.max, m.count, m.last_step AS lastStep
       FROM runs r JOIN experiments e ON e.id = r.experiment_id JOIN metric_summaries m ON m.run_id = r.id
       WHERE ${where} ORDER BY m.run_id, m.key`,
    )
    .all(...params);
  return plainRows(rows);
}
