import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint, StoredObject } from '../domain/index.js';
import type { Clock } from '../queue/clock.js';
import type { JsonValue } from '../spec/types.js';
import type { Store } from '../store/types.js';
import type { ObjectStore } from '../track/object-store.js';
import { recordArtifact } from '../track/record-artifact.js';
import type { MetricBatcher } from './metric-batcher.js';

/** What a worker shares between the runs it records. */
export interface RecorderServices {
  store: Store;
  objects: ObjectStore;
  metrics: MetricBatcher;
  clock: Clock;
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export interface RestoredCheckpoint extends StoredObject {
  /** The blob in the object store: read-only, copy it before changing it. */
  path: string;
}

/**
 * What one attempt of a run sends while it runs, whatever executes it (the fd-3 channel of a
 * command, the ctx of a function): metrics, artifacts, checkpoints, log lines and its result.
 */
export class RunRecorder {
  /** The last result sent; written when the run completes. */
  result: JsonValue | null = null;
  private logStream: WriteStream | undefined;

  constructor(
    private readonly services: RecorderServices,
    readonly runId: number,
    readonly attempt: number,
    readonly runDir: string,
  ) {}

  metrics(points: readonly MetricPoint[]): void {
    this.services.metrics.add(this.runId, this.attempt, points);
  }

  async artifact(name: string, path: string, mediaType?: string): Promise<StoredObject> {
    const { store, objects, clock } = this.services;
    const artifact = await recordArtifact(store, objects, { id: this.runId, attempt: this.attempt }, name, path, mediaType, clock.now());
    return { sha256: artifact.sha256, size: artifact.size };
  }

  async checkpointFile(path: string): Promise<StoredObject> {
    return this.saveCheckpoint(await this.services.objects.putFile(path));
  }

  async checkpointBytes(bytes: Uint8Array | string): Promise<StoredObject> {
    return this.saveCheckpoint(await this.services.objects.putBytes(bytes));
  }

  /** The latest checkpoint of this run, from this or an earlier attempt. */
  async restore(): Promise<RestoredCheckpoint | null> {
    const checkpoint = await this.services.store.getCheckpoint(this.runId);
    if (!checkpoint) return null;
    return { sha256: checkpoint.sha256, size: checkpoint.size, path: this.services.objects.pathOf(checkpoint.sha256) };
  }

  async checkpointExists(): Promise<boolean> {
    return (await this.services.store.getCheckpoint(this.runId)) !== undefined;
  }

  /** Appends a line to the run's labbook.log (warnings about the run's messages land here too). */
  log(level: LogLevel, message: string): void {
    if (!this.logStream) {
      mkdirSync(this.runDir, { recursive: true }); // a driver's run has one only once it wrote something
      this.logStream = createWriteStream(join(this.runDir, 'labbook.log'), { flags: 'a' });
      // Notes for the reader of the run's log, not records: a disk too full for them fails the store's writes too, which stops the worker.
      this.logStream.on('error', () => {});
    }
    this.logStream.write(`${new Date(this.services.clock.now()).toISOString()} ${level.toUpperCase()} ${message}\n`);
  }

  /** Resolves once every metric point sent so far is stored. */
  flushMetrics(): Promise<void> {
    return this.services.metrics.flushRun(this.runId);
  }

  /** Nothing to store and no log open: close() has nothing to do (a short run's usual end, spared its awaits). */
  get idle(): boolean {
    return this.logStream === undefined && this.services.metrics.isStored(this.runId);
  }

  /** Stores everything still buffered and closes the log. */
  async close(): Promise<void> {
    await this.flushMetrics();
    const stream = this.logStream;
    this.logStream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }

  private async saveCheckpoint(object: StoredObject): Promise<StoredObject> {
    const { store, clock } = this.services;
    const now = clock.now();
    await store.recordObject(object, now);
    await store.saveCheckpoint(this.runId, this.attempt, object, now);
    return object;
  }
}
