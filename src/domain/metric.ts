/** Known keys of the runs a filter selects: dotted parameter, setting and result paths, metric keys. */
export interface KeyCatalog {
  params: string[];
  settings: string[];
  metrics: string[];
  results: string[];
}

/** One point of a metric series. `value` is null for a non-finite number. */
export interface MetricPoint {
  key: string;
  step: number | null;
  value: number | null;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Per run and key: what queries read instead of the series (of the latest attempt). */
export interface MetricSummary {
  key: string;
  attempt: number;
  first: number | null;
  last: number | null;
  min: number | null;
  max: number | null;
  count: number;
  lastStep: number | null;
}
