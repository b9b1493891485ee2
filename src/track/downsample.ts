/** A point of a series as charts plot it: x is the step (or the point's index when it has none). */
export interface XY {
  x: number;
  y: number;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013): keeps `threshold` of the points (the
 * first, the last, and in each bucket between the one that makes the largest triangle with
 * its neighbours), so a million-point curve drawn from 2,000 keeps its shape, spikes included.
 * Returns the indices kept, in order.
 */
export function lttbIndices(points: readonly XY[], threshold: number): number[] {
  const n = points.length;
  if (threshold >= n || threshold < 3) return points.map((_, i) => i);
  const kept = [0];
  const bucketSize = (n - 2) / (threshold - 2);
  let a = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.floor((bucket + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, n);
    // The next bucket's average is the third corner of the triangles.
    let avgX = 0;
    let avgY = 0;
    for (let i = end; i < nextEnd; i++) {
      avgX += (points[i] as XY).x;
      avgY += (points[i] as XY).y;
    }
    const count = Math.max(1, nextEnd - end);
    avgX /= count;
    avgY /= count;
    const { x: ax, y: ay } = points[a] as XY;
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const { x, y } = points[i] as XY;
      const area = Math.abs((ax - avgX) * (y - ay) - (ax - x) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    a = best;
  }
  kept.push(n - 1);
  return kept;
}
