/** A metric's points as columns, in logging order: what a chart downsamples without an object per point. */
export interface MetricColumns {
  steps: Array<number | null>;
  /** Null where the value logged was not finite. */
  values: Array<number | null>;
  at: number[];
}

/** What the dashboard's charts read of a long series (src/engine/run-views.ts, metricSeries). */
export interface SeriesStore {
  /** The points of `key` of the latest attempt of run `runId` that logged it; empty columns when none did. */
  readMetricColumns(runId: number, key: string): Promise<MetricColumns>;
}
