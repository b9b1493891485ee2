/**
 * Filter + group (2 keys) + aggregate (mean, std) over 100,000 runs with 10 summary metrics
 * each, in a SQLite store: `lr < 0.5 & state == "COMPLETED"`, grouped by dataset and model,
 * mean and std of two metrics. Beside it, the same with pandas on a CSV export of the same
 * data: the in-memory operation is the baseline; reading the CSV is reported apart, and the
 * ratio of labbook to pandas read + operation last. Target: ≤ 200 ms.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aggregateTable, parseRunCondition } from '../src/query/index.js';
import { Queue } from '../src/queue/queue.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { bestSeconds, report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const RUNS = 100_000;
const METRICS = Array.from({ length: 10 }, (_, i) => `m${i}`);
const QUERY = 'lr < 0.5 & state == "COMPLETED"';
const REQUEST = {
  groupBy: ['dataset', 'model'],
  aggregates: [
    { fn: 'mean', key: 'metrics.m0' },
    { fn: 'std', key: 'metrics.m0' },
    { fn: 'mean', key: 'metrics.m1' },
    { fn: 'std', key: 'metrics.m1' },
  ],
} as const;

const spec = defineExperiment({
  name: 'bench',
  parameters: { dataset: ['a', 'b', 'c', 'd', 'e'], model: ['svc', 'rf', 'knn', 'mlp'], lr: 'range(0, 1, 0.1)', seed: 'range(500)' },
});

/** Runs enqueued as labbook does; states and metric summaries written directly, as after the runs. */
async function buildStore(dir: string): Promise<SqliteStore> {
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  await new Queue(store).enqueue(spec);
  const db = store.database;
  const insert = db.prepare(
    `INSERT INTO metric_summaries (run_id, key, attempt, first, last, min, max, count, last_step, updated_at)
     VALUES (?, ?, 1, ?, ?, ?, ?, 100, 99, 0)`,
  );
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  db.transaction(() => {
    db.prepare("UPDATE runs SET state = CASE WHEN id % 10 = 0 THEN 'FAILED' ELSE 'COMPLETED' END, attempt = 1").run();
    for (let id = 1; id <= RUNS; id++) {
      for (const key of METRICS) {
        const last = random();
        insert.run(id, key, last + 0.5, last, last - 0.1, last + 0.6);
      }
    }
  });
  return store;
}

function exportCsv(store: SqliteStore, file: string): void {
  const columns = METRICS.map((m) => `(SELECT last FROM metric_summaries WHERE run_id = r.id AND key = '${m}') AS ${m}`).join(', ');
  const statement = store.database.prepare(
    `SELECT r.id, r.state, json_extract(r.params, '$.dataset') AS dataset, json_extract(r.params, '$.model') AS model,
              json_extract(r.params, '$.lr') AS lr, json_extract(r.params, '$.seed') AS seed, ${columns} FROM runs r ORDER BY r.id`,
  );
  statement.setReturnArrays(true);
  const rows = statement.all() as unknown as unknown[][];
  const header = ['id', 'state', 'dataset', 'model', 'lr', 'seed', ...METRICS].join(',');
  writeFileSync(file, `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
}

const PANDAS = `
import sys, time, json
import pandas as pd
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
read = time.perf_counter() - t0
best = float('inf')
for _ in range(5):
    t0 = time.perf_counter()
    sel = df[(df.lr < 0.5) & (df.state == 'COMPLETED')]
    out = sel.groupby(['dataset', 'model']).agg(m0_mean=('m0', 'mean'), m0_std=('m0', 'std'), m1_mean=('m1', 'mean'), m1_std=('m1', 'std'))
    best = min(best, time.perf_counter() - t0)
print(json.dumps({'seconds': best, 'read_seconds': read, 'groups': len(out)}))
`;

/** The bench venv's python if it has pandas, else python3 if it has pandas. */
function pandasPython(): string | undefined {
  const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
  const candidates = [join(root, '.venv', 'bin', 'python'), 'python3'];
  return candidates.find(
    (python) =>
      (python === 'python3' || existsSync(python)) && spawnSync(python, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0,
  );
}

const dir = scratchDir();
try {
  const store = await buildStore(dir);
  const filter = { query: parseRunCondition(QUERY) };
  const result = (await aggregateTable(store, filter, REQUEST)).result;
  if (result.rows.length !== 20) throw new Error(`expected 20 groups, got ${result.rows.length}`);
  const labbook = await bestSeconds(5, () => aggregateTable(store, filter, REQUEST));
  const python = pandasPython();
  let pandas: { seconds: number; read_seconds: number; groups: number } | undefined;
  if (python) {
    const csv = join(dir, 'runs.csv');
    exportCsv(store, csv);
    const run = spawnSync(python, ['-c', PANDAS, csv], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`pandas failed: ${run.stderr}`);
    pandas = JSON.parse(run.stdout);
  }
  await store.close();
  report({
    name: 'query_filter_group_aggregate_100k_runs_sqlite',
    value: labbook * 1000,
    unit: 'ms',
    ...(pandas && {
      baseline: pandas.seconds * 1000,
      baselineLabel: 'pandas: boolean mask + groupby(2 keys).agg(mean, std) on the CSV export, already in memory',
      ratio: labbook / pandas.seconds,
    }),
    target: '<= 200 ms',
  });
  const name = 'query_filter_group_aggregate_100k_runs_pandas';
  if (pandas) {
    const withRead = pandas.seconds + pandas.read_seconds;
    report({ name, value: pandas.seconds * 1000, unit: 'ms', readCsvMs: pandas.read_seconds * 1000, withReadMs: withRead * 1000 });
    report({ name: 'query_filter_group_aggregate_100k_runs_vs_pandas_from_csv', value: labbook / withRead, unit: 'ratio' });
  } else {
    process.stdout.write(`${JSON.stringify({ name, skipped: 'pandas not installed' })}\n`);
  }
} finally {
  removeScratch(dir);
}
