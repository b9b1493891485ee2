/**
 * The domain: experiments and their spec versions, runs and their states, metrics, artifacts
 * and workers, and the feed of changes. Stores (src/store) implement persistence for it; they do not own it.
 */
export type { ArtifactRecord, CheckpointRecord, StoredObject } from './artifact.js';
export type { CodeSnapshotRecord } from './code-snapshot.js';
export type { ExperimentRecord, SpecVersion } from './experiment.js';
export type { FeedHead, FeedMetricPoint, FeedRunEvent } from './feed.js';
export type { KeyCatalog, MetricPoint, MetricSummary } from './metric.js';
export type { NotificationChannel, TestOutcome } from './notification.js';
export {
  EDGE_KINDS,
  type EdgeKind,
  ENTITY_KINDS,
  type Entity,
  type EntityKind,
  type EntityOf,
  type EntityRecord,
  edgesOf,
  entitySchema,
  type LineageEdge,
  type MetricDefinition,
} from './provenance.js';
export {
  RUN_RECORD_FIELDS,
  RUN_STATES,
  type RunEvent,
  type RunRecord,
  type RunState,
  type RunTableRow,
  type StateCount,
  type StateCounts,
  zeroStateCounts,
} from './run.js';
export type { RunFilter } from './run-filter.js';
export type { WorkerRecord } from './worker.js';
