/**
 * Ingest 1,000,000 metric points of one run into a fresh SQLite store through
 * `store.appendMetrics`, 1,000 points per call (one transaction each, as the engine batches
 * what a run sends over fd 3), 10 keys logged at every step. Baseline: bare SQLite (the same
 * node:sqlite binding) inserting the same rows into an equivalent table, same batches, no summaries — the floor
 * any SQLite ingest pays. Target: ≥ 300,000 points/s.
 */
import { join } from 'node:path';
import type { MetricPoint } from '../src/domain/index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { bestSeconds, report } from './report.js';
import { bareDatabase, removeScratch, scratchDir } from './scratch.js';

const POINTS = 1_000_000;
const BATCH = 1_000;
const KEYS = Array.from({ length: 10 }, (_, i) => `train.metric_${i}`);
const T0 = Date.UTC(2026, 0, 1);

/** The batches a run of 100,000 steps × 10 keys sends, built before timing. */
const batches: MetricPoint[][] = [];
for (let start = 0; start < POINTS; start += BATCH) {
  const batch: MetricPoint[] = [];
  for (let i = start; i < start + BATCH; i++) {
    const step = Math.floor(i / KEYS.length);
    batch.push({ key: KEYS[i % KEYS.length] as string, step, value: Math.sin(i) * 10, at: T0 + step });
  }
  batches.push(batch);
}

async function labbookIngest(): Promise<void> {
  const dir = scratchDir();
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  const experiment = await store.saveExperiment('bench', {}, T0);
  await store.enqueueRuns(experiment.id, [[{ hash: 'f'.repeat(64), paramsJson: '{}' }]], { now: T0, retries: 0 });
  const [run] = await store.listRuns({});
  for (const batch of batches) await store.appendMetrics(run!.id, 1, batch);
  const counted = (await store.listMetricSummaries(run!.id)).reduce((sum, s) => sum + s.count, 0);
  if (counted !== POINTS) throw new Error(`expected ${POINTS} points, summaries count ${counted}`);
  await store.close();
  removeScratch(dir);
}

function bareInsert(): void {
  const dir = scratchDir();
  const db = bareDatabase(dir);
  db.exec(`CREATE TABLE metrics (run_id INTEGER NOT NULL, attempt INTEGER NOT NULL, key TEXT NOT NULL, step INTEGER, at INTEGER NOT NULL, value REAL);
    CREATE INDEX metrics_by_run_key ON metrics (run_id, key);`);
  const insert = db.prepare('INSERT INTO metrics (run_id, attempt, key, step, at, value) VALUES (?, ?, ?, ?, ?, ?)');
  for (const batch of batches) {
    db.transaction(() => {
      for (const p of batch) insert.run(1, 1, p.key, p.step, p.at, p.value);
    }, 'immediate');
  }
  db.close();
  removeScratch(dir);
}

const labbook = await bestSeconds(3, labbookIngest);
const bare = await bestSeconds(3, bareInsert);
report({
  name: 'metrics_ingest_1m_points_sqlite',
  value: POINTS / labbook,
  unit: 'points/s',
  baseline: POINTS / bare,
  baselineLabel: 'bare SQLite insert of the same rows, same 1,000-point transactions, no summaries',
  ratio: bare / labbook,
  target: '>= 300000 points/s',
  batch: BATCH,
});
