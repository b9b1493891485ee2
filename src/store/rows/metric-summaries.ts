import type { MetricPoint, MetricSummary } from '../../domain/index.js';

/**
 * A batch of points is folded into the per-key summaries in the transaction that appends it,
 * so a query never sees points without their summary. A summary belongs to the latest attempt
 * that logged the key: a new attempt starts it afresh, and late points of an older attempt (a
 * lost worker) do not touch it. Portable SQL (no two-argument min/max); its placeholders are
 * summaryParams' values in order. It returns the key's count with the batch (where the batch's
 * points start: see startsOfBatch), or no row for late points of an older attempt.
 */
export const UPSERT_SUMMARY = `INSERT INTO metric_summaries (run_id, key, attempt, first, last, min, max, count, last_step, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, key) DO UPDATE SET
    first = CASE WHEN excluded.attempt > metric_summaries.attempt THEN excluded.first ELSE metric_summaries.first END,
    min = CASE WHEN excluded.attempt > metric_summaries.attempt OR metric_summaries.min IS NULL THEN excluded.min
               WHEN excluded.min IS NULL OR metric_summaries.min <= excluded.min THEN metric_summaries.min ELSE excluded.min END,
    max = CASE WHEN excluded.attempt > metric_summaries.attempt OR metric_summaries.max IS NULL THEN excluded.max
               WHEN excluded.max IS NULL OR metric_summaries.max >= excluded.max THEN metric_summaries.max ELSE excluded.max END,
    count = CASE WHEN excluded.attempt > metric_summaries.attempt THEN excluded.count
                 ELSE metric_summaries.count + excluded.count END,
    last = excluded.last,
    last_step = excluded.last_step,
    attempt = excluded.attempt,
    updated_at = excluded.updated_at
  WHERE excluded.attempt >= metric_summaries.attempt
  RETURNING count`;

export type BatchSummary = MetricSummary & { runId: number; now: number };

/** The summary of each key a batch logs, in the order the keys first appear. */
export function summarizeBatch(runId: number, attempt: number, points: readonly MetricPoint[]): BatchSummary[] {
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
  return [...summaries.values()];
}

/** UPSERT_SUMMARY's parameters for one summary. */
export function summaryParams(s: BatchSummary): unknown[] {
  return [s.runId, s.key, s.attempt, s.first, s.last, s.min, s.max, s.count, s.lastStep, s.now];
}

/** Where each key's points of the batch start among its attempt's, from UPSERT_SUMMARY's answers in the order of `summaries`. */
export function startsOfBatch(
  summaries: readonly BatchSummary[],
  counts: ReadonlyArray<{ count: number } | undefined>,
): Map<string, number> {
  const starts = new Map<string, number>();
  summaries.forEach((summary, i) => {
    const after = counts[i];
    if (after) starts.set(summary.key, after.count - summary.count);
  });
  return starts;
}
