import { open } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  type StateCounts as DomainStateCounts,
  type FeedHead,
  type FeedMetricPoint,
  type FeedRunEvent,
  type RunFilter,
  type RunRecord,
  zeroStateCounts,
} from '../domain/index.js';
import { ArtifactNotFoundError, ExperimentNotFoundError, MetricNotFoundError, RunNotFoundError } from '../errors.js';
import { maskSpecSecrets } from '../spec/mask-secrets.js';
import type { JsonValue } from '../spec/types.js';
import { METRIC_BLOCK_SIZE } from '../store/rows/metric-blocks.js';
import { spanOfPoint } from '../store/series-spans.js';
import type { RunPageRequest, Store } from '../store/types.js';
import { compareRuns, type RunComparison } from '../track/compare-runs.js';
import { m4 } from '../track/downsample.js';
import { objectsOf, runDirectoryOf } from '../track/store-objects.js';
import { closestMatches } from '../util/closest-matches.js';
import type { RunPageCache } from './run-page-cache.js';

/**
 * What the dashboard (and any HTTP client) reads, each answer shaped for one view: the
 * engine's handlers (handlers.ts) call these after parsing their params.
 */

export type StateCounts = DomainStateCounts & { total: number };

export interface ExperimentSummary {
  name: string;
  createdAt: number;
  updatedAt: number;
  counts: StateCounts;
}

function emptyCounts(): StateCounts {
  return { ...zeroStateCounts(), total: 0 };
}

export async function listExperimentSummaries(store: Store): Promise<ExperimentSummary[]> {
  const counts = new Map<string, StateCounts>();
  for (const { experiment, state, count } of await store.countRuns({})) {
    const row = counts.get(experiment) ?? emptyCounts();
    row[state] += count;
    row.total += count;
    counts.set(experiment, row);
  }
  return (await store.listExperiments()).map((e) => ({
    name: e.name,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    counts: counts.get(e.name) ?? emptyCounts(),
  }));
}

/** One experiment with its spec, whose notification credentials are masked. */
export async function experimentDetail(store: Store, name: string): Promise<ExperimentSummary & { spec: JsonValue }> {
  const experiments = await listExperimentSummaries(store);
  const summary = experiments.find((e) => e.name === name);
  const record = summary && (await store.getExperiment(name));
  if (!summary || !record)
    throw new ExperimentNotFoundError(
      name,
      experiments.map((e) => e.name),
    );
  return { ...summary, spec: maskSpecSecrets(record.spec) };
}

/** A metric's summary as a table cell shows it. */
export interface MetricCell {
  last: number | null;
  min: number | null;
  max: number | null;
}

export type RunRow = RunRecord & { metrics: Record<string, MetricCell> };

/** A page of the selection named `key` (run-page-cache.ts), each run with its metric cells. */
export function runsPage(
  store: Store,
  pages: RunPageCache,
  key: string,
  filter: RunFilter,
  page: RunPageRequest,
): Promise<{ total: number; runs: RunRow[] }> {
  return pages.page(key, filter, page, async (runs) => {
    const byRun = new Map<number, Record<string, MetricCell>>(runs.map((run) => [run.id, {}]));
    if (runs.length > 0) {
      for (const s of await store.listRunsMetricSummaries({ ids: runs.map((run) => run.id) })) {
        const cells = byRun.get(s.runId);
        if (cells) cells[s.key] = { last: s.last, min: s.min, max: s.max };
      }
    }
    return runs.map((run) => ({ ...run, metrics: byRun.get(run.id) ?? {} }));
  });
}

async function requireRun(store: Store, id: number): Promise<RunRecord> {
  const run = await store.getRun(id);
  if (!run) throw new RunNotFoundError(String(id));
  return run;
}

/** Everything the run view shows at once: the run, its history, metrics, artifacts and environment. */
export async function runDetail(store: Store, id: number) {
  const run = await requireRun(store, id);
  const [events, metrics, artifacts, environment] = await Promise.all([
    store.listRunEvents(id),
    store.listMetricSummaries(id),
    store.listArtifacts(id),
    store.getEnvironment(id),
  ]);
  return { run, events, metrics, artifacts, environment: environment ?? null };
}

export interface SeriesPoint {
  step: number | null;
  value: number | null;
  at: number;
}

/**
 * A metric series of at most `maxPoints` points. A longer one is downsampled with M4 into
 * maxPoints / 4 buckets (track/downsample.ts) over its finite values: from its blocks when
 * they are fine enough for that many buckets (a million points: 7,813 blocks), else from its
 * points.
 */
export async function metricSeries(store: Store, id: number, key: string, maxPoints: number) {
  await requireRun(store, id);
  const summaries = await store.listMetricSummaries(id);
  const summary = summaries.find((s) => s.key === key);
  if (!summary) {
    const known = summaries.map((s) => s.key);
    throw new MetricNotFoundError(key, `run ${id}`, closestMatches(key, known));
  }
  const buckets = Math.floor(maxPoints / 4);
  if (summary.count >= buckets * METRIC_BLOCK_SIZE) {
    const blocks = await store.readMetricBlocks(id, key);
    const total = blocks.reduce((sum, block) => sum + block.count, 0);
    return { key, total, downsampled: true, points: m4(blocks, total, buckets).map(withoutPosition) };
  }
  const { steps, values, at } = await store.readMetricColumns(id, key);
  const total = at.length;
  const point = (i: number): SeriesPoint => ({ step: steps[i] ?? null, value: values[i] ?? null, at: at[i] as number });
  if (total <= maxPoints) return { key, total, downsampled: false, points: at.map((_, i) => point(i)) };
  const spans = at.map((_, i) => spanOfPoint(i, steps[i] ?? null, values[i] ?? null, at[i] as number));
  return { key, total, downsampled: true, points: m4(spans, total, buckets).map(withoutPosition) };
}

function withoutPosition({ step, value, at }: SeriesPoint): SeriesPoint {
  return { step, value, at };
}

export const LOG_STREAMS = { stdout: 'stdout.log', stderr: 'stderr.log', labbook: 'labbook.log' } as const;
export type LogStream = keyof typeof LOG_STREAMS;

/**
 * A piece of a run's log: from `offset` when given (to follow it), else its last `maxBytes`
 * (starting at a line). `end` is the offset to ask from next time.
 */
export async function runLog(store: Store, id: number, stream: LogStream, offset: number | undefined, maxBytes: number) {
  await requireRun(store, id);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(join(runDirectoryOf(store, id), LOG_STREAMS[stream]), 'r');
  } catch {
    return { stream, start: 0, end: 0, size: 0, text: '' };
  }
  try {
    const size = (await handle.stat()).size;
    const start = Math.min(offset ?? Math.max(0, size - maxBytes), size);
    const buffer = Buffer.alloc(Math.min(maxBytes, size - start));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    let bytes = buffer.subarray(0, bytesRead);
    let from = start;
    if (offset === undefined && start > 0) {
      const newline = bytes.indexOf(10);
      bytes = bytes.subarray(newline + 1);
      from = start + newline + 1;
    }
    return { stream, start: from, end: from + bytes.length, size, text: bytes.toString('utf8') };
  } finally {
    await handle.close();
  }
}

/**
 * Where an artifact's bytes are: always a file named by its hash inside the store's object
 * directory. The artifact's name is only looked up in the store, never used as a path.
 */
export async function artifactFile(store: Store, id: number, name: string) {
  await requireRun(store, id);
  const artifacts = await store.listArtifacts(id);
  const artifact = artifacts.find((a) => a.name === name);
  if (!artifact)
    throw new ArtifactNotFoundError(
      id,
      name,
      artifacts.map((a) => a.name),
    );
  const objects = objectsOf(store);
  const path = objects.pathOf(artifact.sha256);
  const inside = relative(objects.root, path);
  if (!/^[0-9a-f]{64}$/.test(artifact.sha256) || inside.startsWith('..')) {
    throw new Error(`artifact '${name}' of run ${id} has a malformed hash in the store: ${JSON.stringify(artifact.sha256)}`);
  }
  return { name: artifact.name, mediaType: artifact.mediaType, size: artifact.size, sha256: artifact.sha256, path };
}

export async function runsComparison(store: Store, a: number, b: number): Promise<RunComparison & { a: RunRecord; b: RunRecord }> {
  const facts = async (id: number) => {
    const run = await requireRun(store, id);
    return { run, params: run.params, environment: await store.getEnvironment(id), summaries: await store.listMetricSummaries(id) };
  };
  const [left, right] = [await facts(a), await facts(b)];
  return { a: left.run, b: right.run, ...compareRuns(left, right) };
}

export interface FeedPage {
  cursor: FeedHead;
  runEvents: FeedRunEvent[];
  metrics: FeedMetricPoint[];
}

/** The store's changes after `after` (at most `limit` of each kind), or, without it, only where the feed ends now. */
export async function feedAfter(store: Store, after: FeedHead | undefined, limit: number): Promise<FeedPage> {
  if (!after) return { cursor: await store.feedHead(), runEvents: [], metrics: [] };
  const runEvents = await store.runEventsAfter(after.runEvent, limit);
  const metrics = await store.metricPointsAfter(after.metric, limit);
  return {
    cursor: { runEvent: runEvents.at(-1)?.id ?? after.runEvent, metric: metrics.at(-1)?.seq ?? after.metric },
    runEvents,
    metrics,
  };
}
