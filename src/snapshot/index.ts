export { type SnapshotContext, type SnapshotFlags, snapshotSpec } from './snapshot-spec.js';
export { type CodeSnapshot, type SnapshotRequest, takeSnapshot } from './take-snapshot.js';
