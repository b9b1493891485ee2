import type { ArtifactRecord, CheckpointRecord, MetricPoint, MetricSummary, RunFilter, StoredObject } from '../../../domain/index.js';
import type { WorkerRecord } from '../../../domain/worker.js';
import type { JsonValue } from '../../../spec/types.js';
import { readEnvironmentAsync, splitEnvironment } from '../../environment-parts.js';
import {
  BLOCK_COLUMNS,
  blockParams,
  blocksOfBatch,
  ON_BLOCK_CONFLICT,
  SELECT_BLOCK_COLUMNS,
  spanOfBlockRow,
} from '../../rows/metric-blocks.js';
import { startsOfBatch, summarizeBatch, summaryParams, UPSERT_SUMMARY } from '../../rows/metric-summaries.js';
import {
  type ArtifactRow,
  type CheckpointRow,
  listWorkersSql,
  RECORD_OBJECT,
  SAVE_ARTIFACT,
  SAVE_CHECKPOINT,
  SELECT_CHECKPOINT,
  toArtifact,
  toCheckpoint,
  toWorker,
  type WorkerRow,
} from '../../rows/records.js';
import type { MetricColumns, SeriesSpan } from '../../series-store.js';
import type { WorkerFilter } from '../../types.js';
import type { PgDatabase, PgSession } from '../pg-database.js';
import { runFilterSql } from './run-filter.js';

/*
 * What runs produce (objects, checkpoints, artifacts, metrics, environments) and the
 * workers. Blobs live as files in the store's object directory; these rows point at them.
 */

export async function recordObject(db: PgSession, object: StoredObject, now: number): Promise<void> {
  await db.run(RECORD_OBJECT, [object.sha256, object.size, now]);
}

export async function saveCheckpoint(db: PgDatabase, runId: number, attempt: number, object: StoredObject, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run(RECORD_OBJECT, [object.sha256, object.size, now]);
    await tx.run(SAVE_CHECKPOINT, [runId, attempt, object.sha256, object.size, now]);
  });
}

export async function getCheckpoint(db: PgSession, runId: number): Promise<CheckpointRecord | undefined> {
  const row = await db.get<CheckpointRow>(SELECT_CHECKPOINT, [runId]);
  return row && toCheckpoint(row);
}

export async function addArtifact(db: PgDatabase, artifact: Omit<ArtifactRecord, 'createdAt'>, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run(RECORD_OBJECT, [artifact.sha256, artifact.size, now]);
    await tx.run(SAVE_ARTIFACT, [artifact.runId, artifact.name, artifact.attempt, artifact.sha256, artifact.size, artifact.mediaType, now]);
  });
}

export async function listArtifacts(db: PgSession, runId: number): Promise<ArtifactRecord[]> {
  return (await db.all<ArtifactRow>('SELECT * FROM artifacts WHERE run_id = ? ORDER BY name COLLATE "C"', [runId])).map(toArtifact);
}

/** metric_blocks' columns that are not bigint. */
const PG_BLOCK_TYPES: Record<string, string> = {
  key: 'text',
  attempt: 'int',
  count: 'int',
  first_value: 'double precision',
  min_value: 'double precision',
  max_value: 'double precision',
  last_value: 'double precision',
};

/** A batch's points, and its blocks folded in (ON_BLOCK_CONFLICT): one statement, one round trip. */
const INSERT_POINTS_AND_BLOCKS = `WITH points AS (
    INSERT INTO metrics (run_id, attempt, key, step, at, value)
    SELECT ?, ?, u.key, u.step, u.at, u.value
    FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::double precision[]) WITH ORDINALITY AS u(key, step, at, value, n) ORDER BY u.n
  )
  INSERT INTO metric_blocks (${BLOCK_COLUMNS.join(', ')})
  SELECT * FROM unnest(${BLOCK_COLUMNS.map((c) => `?::${PG_BLOCK_TYPES[c] ?? 'bigint'}[]`).join(', ')}) ${ON_BLOCK_CONFLICT}`;

/**
 * Appends the points folded into the summaries (UPSERT_SUMMARY) and blocks (rows/metric-blocks.ts)
 * in one transaction. The summaries come first: their rows' locks make batches of the same key
 * wait for each other, so blocks see the points in order.
 */
export async function appendMetrics(db: PgDatabase, runId: number, attempt: number, points: readonly MetricPoint[]): Promise<void> {
  if (points.length === 0) return;
  const summaries = summarizeBatch(runId, attempt, points);
  await db.transaction(async (tx) => {
    const counts: Array<{ count: number } | undefined> = [];
    for (const summary of summaries) counts.push(await tx.get<{ count: number }>(UPSERT_SUMMARY, summaryParams(summary)));
    const blocks = blocksOfBatch(points, startsOfBatch(summaries, counts)).map((block) => blockParams(runId, attempt, block));
    await tx.run(INSERT_POINTS_AND_BLOCKS, [
      runId,
      attempt,
      points.map((p) => p.key),
      points.map((p) => p.step),
      points.map((p) => p.at),
      points.map((p) => p.value),
      ...BLOCK_COLUMNS.map((_, i) => blocks.map((row) => row[i])),
    ]);
  });
}

export async function readMetrics(db: PgSession, runId: number, key: string, attempt?: number): Promise<MetricPoint[]> {
  return db.all<MetricPoint>(
    `SELECT key, step, at, value FROM metrics
     WHERE run_id = ? AND key = ? AND attempt = coalesce(?::int, (SELECT attempt FROM metric_summaries WHERE run_id = ? AND key = ?))
     ORDER BY seq`,
    [runId, key, attempt ?? null, runId, key],
  );
}

/** A series as columns (series-store.ts), of the latest attempt that logged it. */
export async function readMetricColumns(db: PgSession, runId: number, key: string): Promise<MetricColumns> {
  const rows = await db.all<{ step: number | null; value: number | null; at: number }>(
    `SELECT step, value, at FROM metrics
     WHERE run_id = ? AND key = ? AND attempt = (SELECT attempt FROM metric_summaries WHERE run_id = ? AND key = ?)
     ORDER BY seq`,
    [runId, key, runId, key],
  );
  return { steps: rows.map((r) => r.step), values: rows.map((r) => r.value), at: rows.map((r) => r.at) };
}

/** A series' blocks (rows/metric-blocks.ts), of the attempt its summary follows, in order. */
export async function readMetricBlocks(db: PgSession, runId: number, key: string): Promise<SeriesSpan[]> {
  const rows = await db.all<Record<string, number | null>>(
    `SELECT ${SELECT_BLOCK_COLUMNS} FROM metric_blocks b
     JOIN metric_summaries s ON s.run_id = b.run_id AND s.key = b.key AND s.attempt = b.attempt
     WHERE b.run_id = ? AND b.key = ? ORDER BY b.block`,
    [runId, key],
  );
  // A row's values are in the order of its columns.
  return rows.map((row) => spanOfBlockRow(Object.values(row)));
}

const SUMMARY_COLUMNS = 'm.key, m.attempt, m.first, m.last, m.min, m.max, m.count, m.last_step AS "lastStep"';

export async function listMetricSummaries(db: PgSession, runId: number): Promise<MetricSummary[]> {
  return db.all<MetricSummary>(`SELECT ${SUMMARY_COLUMNS} FROM metric_summaries m WHERE m.run_id = ? ORDER BY m.key COLLATE "C"`, [runId]);
}

export async function listRunsMetricSummaries(db: PgSession, filter: RunFilter): Promise<Array<MetricSummary & { runId: number }>> {
  const { where, params } = await runFilterSql(db, filter);
  return db.all(
    `SELECT m.run_id AS "runId", ${SUMMARY_COLUMNS}
     FROM runs r JOIN experiments e ON e.id = r.experiment_id JOIN metric_summaries m ON m.run_id = r.id
     WHERE ${where} ORDER BY m.run_id, m.key COLLATE "C"`,
    params,
  );
}

/** One environment record per run attempt; its large parts are stored once (environment-parts.ts). */
export async function insertEnvironment(tx: PgSession, runId: number, attempt: number, data: JsonValue): Promise<void> {
  const { skeleton, parts } = splitEnvironment(data);
  await insertEnvironmentParts(tx, parts);
  await tx.run(
    'INSERT INTO environments (run_id, attempt, data) VALUES (?, ?, ?) ON CONFLICT (run_id, attempt) DO UPDATE SET data = excluded.data',
    [runId, attempt, JSON.stringify(skeleton)],
  );
}

/** Environment parts (sha256 → text), each stored once whoever wrote it first. */
export async function insertEnvironmentParts(tx: PgSession, parts: ReadonlyMap<string, string>): Promise<void> {
  if (parts.size === 0) return;
  await tx.run('INSERT INTO environment_parts (sha256, data) SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT (sha256) DO NOTHING', [
    [...parts.keys()],
    [...parts.values()],
  ]);
}

export async function getEnvironment(db: PgSession, runId: number, attempt?: number): Promise<JsonValue | undefined> {
  const row = await db.get<{ data: string }>(
    'SELECT data FROM environments WHERE run_id = ? AND (?::int IS NULL OR attempt = ?::int) ORDER BY attempt DESC LIMIT 1',
    [runId, attempt ?? null, attempt ?? null],
  );
  if (!row) return undefined;
  return readEnvironmentAsync(JSON.parse(row.data) as JsonValue, async (sha256s) => {
    const rows = await db.all<{ sha256: string; data: string }>(
      'SELECT sha256, data FROM environment_parts WHERE sha256 = ANY(?::text[])',
      [sha256s],
    );
    return new Map(rows.map((r) => [r.sha256, r.data]));
  });
}

export async function registerWorker(db: PgSession, worker: Omit<WorkerRecord, 'stoppedAt' | 'heartbeatAt'>): Promise<void> {
  await db.run('INSERT INTO workers (id, host, pid, started_at, heartbeat_at, info) VALUES (?, ?, ?, ?, ?, ?)', [
    worker.id,
    worker.host,
    worker.pid,
    worker.startedAt,
    worker.startedAt,
    JSON.stringify(worker.info),
  ]);
}

export async function stopWorker(db: PgSession, id: string, now: number): Promise<void> {
  await db.run('UPDATE workers SET stopped_at = ?, heartbeat_at = ? WHERE id = ?', [now, now, id]);
}

export async function listWorkers(db: PgSession, { running = false }: WorkerFilter): Promise<WorkerRecord[]> {
  return (await db.all<WorkerRow>(listWorkersSql(running))).map(toWorker);
}
