import type { RunState } from '../domain/index.js';
import type { Params } from '../spec/types.js';

/** A run that failed, as the engine reports it to the notifier. */
export interface RunNotice {
  experiment: string;
  runId: number;
  hash: string;
  params: Params;
  attempt: number;
  /** Failure reason as stored, e.g. `exit code 1`, `TIMED_OUT`. */
  reason: string;
  /** Error text (stderr tail, traceback); only its first line is shown in most messages. */
  error: string;
}

/** The end of a `labbook run` or `labbook worker` session. */
export interface RunSummary {
  /** The experiments worked on: those named to the session, else those it executed runs of (none: it found nothing to run). */
  experiments: string[];
  counts: Record<RunState, number>;
  durationMs: number;
  failures: RunNotice[];
  /** Ctrl-C stopped the session before the queue was empty. */
  interrupted: boolean;
  /** Where the store is, so that a reader knows where to look (`labbook ls` there). */
  store: string;
}

/** A regression check (`labbook regress`) that found candidates worse than their baseline. */
export interface RegressionNotice {
  metric: string;
  /** How many candidate results were compared with a baseline. */
  checked: number;
  regressions: Array<{ candidate: string; value: number; baseline: string; baselineValue: number }>;
}

/**
 * What the engine calls. `runFailed` returns at once and never throws: deliveries happen in
 * the background and their errors become warnings. `finished` waits for every delivery
 * (each bounded by its timeout), `close` releases connections.
 */
export interface Notifier {
  runFailed(notice: RunNotice): void;
  finished(summary: RunSummary): Promise<void>;
  /** Tells every channel, whatever its `on`, and waits for the deliveries. */
  regressed(notice: RegressionNotice): Promise<void>;
  close(): Promise<void>;
  /** Sends a test message to every channel and waits for the deliveries; a failed one is a warning, as any. */
  test(experiment: string): Promise<void>;
}

/** One message to one channel; `suppressed` failure notices were held back by min_interval before it. */
export type Notice =
  | { event: 'failed'; run: RunNotice; suppressed: number }
  | { event: 'finished'; summary: RunSummary; suppressed: number }
  | { event: 'regressed'; regression: RegressionNotice; suppressed: 0 }
  /** Asked for from the dashboard, to see that a channel works. */
  | { event: 'test'; experiment: string; suppressed: 0 };

export interface Channel {
  /** Names the channel in warnings, without secrets: `webhook https://hooks.slack.com/…`. */
  readonly label: string;
  /** Rejects (or throws) when the notice did not arrive; returns nothing when done synchronously. */
  deliver(notice: Notice): Promise<void> | undefined;
  close(): Promise<void>;
}
