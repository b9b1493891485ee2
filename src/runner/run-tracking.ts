import type { Clock } from '../queue/clock.js';
import type { Store } from '../store/types.js';
import { objectsOf, runDirectoryIn, runsDirectoryOf } from '../track/store-objects.js';
import { MetricBatcher } from './metric-batcher.js';
import { RunRecorder } from './run-recorder.js';

/**
 * Where a worker's runs record what they make (metrics, artifacts, checkpoints, their
 * directory). The session builds it from the store, so that the worker talks to the queue
 * about runs and to this about their records, and never to the store itself.
 */
export interface RunTracking {
  /** Where the store is, for messages. */
  readonly location: string;
  /** The directory beside the database: run directories, objects, the space reserve. */
  readonly dataDir: string;
  /** Where the runs' directories are: `<dataDir>/runs`. */
  readonly runsDirectory: string;
  metricBatcher(onError: (error: unknown) => void): MetricBatcher;
  runDirectory(runId: number): string;
  recorder(metrics: MetricBatcher, runId: number, attempt: number, runDir: string): RunRecorder;
}

export function trackingOf(store: Store, clock: Clock): RunTracking {
  const objects = objectsOf(store);
  const runs = runsDirectoryOf(store);
  return {
    location: store.location,
    dataDir: store.dataDir,
    runsDirectory: runs,
    metricBatcher: (onError) => new MetricBatcher(store, { onError }),
    runDirectory: (runId) => runDirectoryIn(runs, runId),
    recorder: (metrics, runId, attempt, runDir) => new RunRecorder({ store, objects, metrics, clock }, runId, attempt, runDir),
  };
}
