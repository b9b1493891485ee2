import type { MetricPoint } from './metric.js';
import type { RunEvent } from './run.js';

/**
 * The store's changes in the order they were written, for live views: every state change
 * and every metric point, each with an id that grows with every write.
 */

/** A state change as the feed lists it: with its run's experiment. */
export interface FeedRunEvent extends RunEvent {
  experiment: string;
}

/** A metric point as the feed lists it: `seq` orders every point of the store. */
export interface FeedMetricPoint extends MetricPoint {
  seq: number;
  runId: number;
  attempt: number;
}

/** The ids of the last state change and the last metric point written. */
export interface FeedHead {
  runEvent: number;
  metric: number;
}
