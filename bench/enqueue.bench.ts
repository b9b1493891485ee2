/**
 * Enqueue 100,000 runs from one grid into a fresh SQLite store (expand, hash, insert with
 * an audit event each, one transaction). Baseline: bare SQLite (the same binding) inserting the same
 * 100,000 rows (params JSON + hash) into an equivalent table in one transaction — the floor
 * any SQLite queue pays. Target: ≥ 100,000 runs/s.
 */
import { join } from 'node:path';
import { Queue } from '../src/queue/queue.js';
import { expandGrid } from '../src/spec/expand-grid.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { bestSeconds, report } from './report.js';
import { bareDatabase, removeScratch, scratchDir } from './scratch.js';

const RUNS = 100_000;
const spec = defineExperiment({
  name: 'bench',
  parameters: { lr: 'range(0, 1, 0.01)', depth: 'range(10)', width: [64, 128, 256, 512, 1024], seed: 'range(20)' },
});

async function labbookEnqueue(): Promise<void> {
  const dir = scratchDir();
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  const { counts } = await new Queue(store).enqueue(spec);
  if (counts.added !== RUNS) throw new Error(`expected ${RUNS} runs, got ${counts.added}`);
  await store.close();
  removeScratch(dir);
}

function bareInsert(): void {
  const dir = scratchDir();
  const db = bareDatabase(dir);
  db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, params TEXT NOT NULL)');
  const rows = expandGrid(spec.spec);
  const insert = db.prepare('INSERT INTO runs (hash, params) VALUES (?, ?)');
  db.transaction(() => {
    for (const row of rows) insert.run(row.hash, JSON.stringify(row.params));
  });
  db.close();
  removeScratch(dir);
}

const labbook = await bestSeconds(3, labbookEnqueue);
const bare = await bestSeconds(3, bareInsert);
report({
  name: 'enqueue_100k_runs_sqlite',
  value: RUNS / labbook,
  unit: 'runs/s',
  baseline: RUNS / bare,
  baselineLabel: 'bare SQLite insert of the same rows (expansion precomputed)',
  ratio: bare / labbook,
  target: '>= 100000 runs/s',
});
