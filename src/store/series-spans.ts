import type { PlacedPoint, SeriesSpan } from './series-store.js';

/** A point as a span of one (none of its four points when its value is not finite). */
export function spanOfPoint(position: number, step: number | null, value: number | null, at: number): SeriesSpan {
  const point: PlacedPoint | null = value === null ? null : { position, step, value, at };
  return { start: position, count: 1, first: point, min: point, max: point, last: point };
}

/**
 * `later` (the span that follows `span`) folded into `span`, in place: the first and last
 * finite points, and the lowest and highest ones, the earliest on a tie. UPSERT_BLOCK
 * (rows/metric-blocks.ts) is the same fold in SQL.
 */
export function joinSpans(span: SeriesSpan, later: SeriesSpan): SeriesSpan {
  span.count += later.count;
  span.first ??= later.first;
  if (later.min && (!span.min || later.min.value < span.min.value)) span.min = later.min;
  if (later.max && (!span.max || later.max.value > span.max.value)) span.max = later.max;
  span.last = later.last ?? span.last;
  return span;
}

/** The span's distinct points in logging order: what a chart draws of it. */
export function pointsOfSpan(span: SeriesSpan): PlacedPoint[] {
  const points: PlacedPoint[] = [];
  for (const point of [span.first, span.min, span.max, span.last]) {
    if (point && !points.some((p) => p.position === point.position)) points.push(point);
  }
  return points.sort((a, b) => a.position - b.position);
}
