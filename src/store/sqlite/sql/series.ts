import { type BlockRow, SELECT_BLOCK_COLUMNS, spanOfBlockRow } from '../../rows/metric-blocks.js';
import type { MetricColumns, SeriesSpan } from '../../series-store.js';
import type { StatementCache } from '../statement-cache.js';

/**
 * A series as columns, its rows read as arrays: a million points are read in a fraction of the
 * time objects take. The attempt is looked up once, not per row.
 */
export function readMetricColumns(sql: StatementCache, runId: number, key: string): MetricColumns {
  const latest = sql.get('SELECT attempt FROM metric_summaries WHERE run_id = ? AND key = ?').get(runId, key) as
    | { attempt: number }
    | undefined;
  const columns: MetricColumns = { steps: [], values: [], at: [] };
  if (!latest) return columns;
  const statement = sql.arrays('SELECT step, value, at FROM metrics WHERE run_id = ? AND key = ? AND attempt = ? ORDER BY rowid');
  for (const row of statement.all(runId, key, latest.attempt) as Array<[number | null, number | null, number]>) {
    columns.steps.push(row[0]);
    columns.values.push(row[1]);
    columns.at.push(row[2]);
  }
  return columns;
}

/** A series' blocks (rows/metric-blocks.ts), of the attempt its summary follows, in order. */
export function readMetricBlocks(sql: StatementCache, runId: number, key: string): SeriesSpan[] {
  const statement = sql.arrays(
    `SELECT ${SELECT_BLOCK_COLUMNS} FROM metric_blocks b
     JOIN metric_summaries s ON s.run_id = b.run_id AND s.key = b.key AND s.attempt = b.attempt
     WHERE b.run_id = ? AND b.key = ? ORDER BY b.block`,
  );
  return (statement.all(runId, key) as BlockRow[]).map(spanOfBlockRow);
}
