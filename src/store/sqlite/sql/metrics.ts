import type { MetricPoint, MetricSummary, RunFilter } from '../../../domain/index.js';
import { BLOCK_COLUMNS, blockParams, blocksOfBatch, ON_BLOCK_CONFLICT } from '../../rows/metric-blocks.js';
import { startsOfBatch, summarizeBatch, summaryParams, UPSERT_SUMMARY } from '../../rows/metric-summaries.js';
import { plainRows, type SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { runFilterSql } from './run-filter.js';

const UPSERT_BLOCK = `INSERT INTO metric_blocks (${BLOCK_COLUMNS.join(', ')})
  VALUES (${BLOCK_COLUMNS.map(() => '?').join(', ')}) ${ON_BLOCK_CONFLICT}`;

/** Appends points in one transaction with their summaries (UPSERT_SUMMARY) and blocks (rows/metric-blocks.ts). */
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
  const upsertBlock = sql.get(UPSERT_BLOCK);
  const summaries = summarizeBatch(runId, attempt, points);
  db.transaction(() => {
    const counts = summaries.map((summary) => upsert.get(...summaryParams(summary)) as { count: number } | undefined);
    for (const p of points) insert.run(runId, attempt, p.key, p.step, p.at, p.value);
    for (const block of blocksOfBatch(points, startsOfBatch(summaries, counts))) upsertBlock.run(...blockParams(runId, attempt, block));
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
