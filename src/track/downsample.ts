import { joinSpans, pointsOfSpan } from '../store/series-spans.js';
import type { PlacedPoint, SeriesSpan } from '../store/series-store.js';

/**
 * M4 (Jugel et al., 2014): the spans of a series of `total` points, in order, gathered into
 * `buckets` equal ranges of positions, each drawn by its first, lowest, highest and last
 * points. A line chart a bucket a pixel wide draws the same line from those as from all the
 * points, so a spike of one point in a million is kept. At most 4 × `buckets` points, in order.
 */
export function m4(spans: Iterable<SeriesSpan>, total: number, buckets: number): PlacedPoint[] {
  const points: PlacedPoint[] = [];
  let current: SeriesSpan | undefined;
  let currentBucket = -1;
  for (const span of spans) {
    const bucket = Math.floor((span.start * buckets) / total);
    if (current && bucket === currentBucket) {
      joinSpans(current, span);
      continue;
    }
    if (current) points.push(...pointsOfSpan(current));
    current = { ...span };
    currentBucket = bucket;
  }
  if (current) points.push(...pointsOfSpan(current));
  return points;
}
