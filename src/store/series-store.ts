/** A metric's points as columns, in logging order: what a chart downsamples without an object per point. */
export interface MetricColumns {
  steps: Array<number | null>;
  /** Null where the value logged was not finite. */
  values: Array<number | null>;
  at: number[];
}

/** A point of a series with a finite value, placed by its position: its index among the points of its key and attempt, in logging order. */
export interface PlacedPoint {
  position: number;
  step: number | null;
  value: number;
  at: number;
}

/**
 * `count` consecutive points of a series from position `start`, by the four a line chart
 * draws of them (M4): the first, lowest, highest and last of its finite values (null when it
 * has none). A point is a span of one; spans join with joinSpans (series-spans.ts).
 */
export interface SeriesSpan {
  start: number;
  count: number;
  first: PlacedPoint | null;
  min: PlacedPoint | null;
  max: PlacedPoint | null;
  last: PlacedPoint | null;
}

/** What the dashboard's charts read of a series (src/engine/run-views.ts, metricSeries). */
export interface SeriesStore {
  /** The points of `key` of the latest attempt of run `runId` that logged it; empty columns when none did. */
  readMetricColumns(runId: number, key: string): Promise<MetricColumns>;
  /**
   * The same points as spans of METRIC_BLOCK_SIZE (rows/metric-blocks.ts), in order: blocks
   * kept up to date with the points, so a long series is charted without reading its points.
   */
  readMetricBlocks(runId: number, key: string): Promise<SeriesSpan[]>;
}
