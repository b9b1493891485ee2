/**
 * A page of 100 of 100,000 runs filtered by a query (`model == "svc" & metrics.acc > 0.5`,
 * ~12,500 runs), through the HTTP API of an engine on 127.0.0.1, under 50 concurrent clients
 * (autocannon, 10 s): p50 and p99 latency. Beside it, MLflow's tracking server answering
 * `runs/search` with the same filter over the same runs (bench/api-mlflow-peer.py, in the
 * bench venv; skipped without mlflow; one request per client, as each takes it seconds).
 * A second figure pages through the whole selection (every page in turn, as a table scrolled
 * to its end asks for them). Target: p99 ≤ 50 ms.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Queue } from '../src/queue/queue.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const CONNECTIONS = 50;
const SECONDS = 10;
const QUERY = 'model == "svc" & metrics.acc > 0.5';
const MLFLOW_FILTER = "params.model = 'svc' and metrics.acc > 0.5";
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

const spec = defineExperiment({
  name: 'bench',
  parameters: { model: ['svc', 'rf', 'knn', 'mlp'], lr: 'range(0, 1, 0.04)', seed: 'range(1000)' },
});

/** The store's runs, COMPLETED, each with the summary of a metric `acc` (a seeded uniform value); the same rows go to MLflow. */
async function buildStore(project: string): Promise<Array<[string, number, number, number]>> {
  const dir = join(project, '.labbook');
  mkdirSync(dir);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  await new Queue(store).enqueue(spec);
  const db = store.database;
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const insert = db.prepare(
    `INSERT INTO metric_summaries (run_id, key, attempt, first, last, min, max, count, last_step, updated_at)
     VALUES (?, 'acc', 1, ?, ?, ?, ?, 1, 0, 0)`,
  );
  const rows: Array<[string, number, number, number]> = [];
  const params = db.prepare('SELECT id, params FROM runs ORDER BY id').all() as Array<{ id: number; params: string }>;
  db.transaction(() => {
    db.prepare("UPDATE runs SET state = 'COMPLETED', attempt = 1").run();
    for (const { id, params: json } of params) {
      const acc = random();
      insert.run(id, acc, acc, acc, acc);
      const { model, lr, seed: s } = JSON.parse(json) as { model: string; lr: number; seed: number };
      rows.push([model, lr, s, acc]);
    }
  });
  await store.close();
  return rows;
}

async function measure(request: autocannon.Options): Promise<{ p50: number; p99: number; rps: number; errors: number }> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...request });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors: result.errors + result.non2xx };
}

/** MLflow's server over the same rows, started by the peer script: its URL and experiment, and how to stop it. */
async function startMlflow(dir: string, rows: unknown[]): Promise<{ url: string; experiment: string; stop(): void } | string> {
  const python = join(ROOT, '.venv-bench', 'bin', 'python');
  if (!existsSync(python)) return 'no .venv-bench (make bench makes it)';
  const data = join(dir, 'rows.json');
  await import('node:fs/promises').then(({ writeFile }) => writeFile(data, JSON.stringify(rows)));
  const peer = spawn(python, [join(ROOT, 'bench', 'api-mlflow-peer.py'), join(dir, 'mlflow'), data], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string | undefined>((resolve) => {
    createInterface({ input: peer.stdout }).once('line', resolve);
    peer.once('exit', () => resolve(undefined));
  });
  const answer = line
    ? (JSON.parse(line) as { url?: string; experiment?: string; skipped?: string })
    : { skipped: 'the peer script exited' };
  if (!answer.url || !answer.experiment) {
    peer.kill();
    return answer.skipped ?? 'the peer script said nothing';
  }
  return { url: answer.url, experiment: answer.experiment, stop: () => peer.kill('SIGTERM') };
}

const dir = scratchDir();
const runtime = join(dir, 'run');
mkdirSync(runtime, { mode: 0o700 });
// The engine in a process of its own, as `labbook ui` starts it: autocannon's clients do not share its thread.
const env = { ...process.env, XDG_RUNTIME_DIR: runtime };
const labbook = (args: string[]) => spawnSync(join(ROOT, 'bin', 'labbook'), args, { cwd: dir, env, encoding: 'utf8' });
try {
  const rows = await buildStore(dir);
  const ui = labbook(['ui', '--no-open', '--port', '0', '--json']);
  if (ui.status !== 0) throw new Error(`labbook ui failed: ${ui.stderr}`);
  const serving = JSON.parse(ui.stdout) as { url: string };
  const first = await fetch(`${serving.url}api/runs?${new URLSearchParams({ query: QUERY, limit: '100' })}`);
  const total = ((await first.json()) as { total: number }).total;
  // The first page, as MLflow is asked for below; then every page in turn, as a table scrolling through the selection asks for them.
  const measured = await measure({ url: `${serving.url}api/runs?${new URLSearchParams({ query: QUERY, limit: '100' })}` });
  const pages = Math.ceil(total / 100);
  let page = 0;
  const scrolled = await measure({
    url: serving.url,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          path: `/api/runs?${new URLSearchParams({ query: QUERY, limit: '100', offset: String(100 * (page++ % pages)) })}`,
        }),
      },
    ],
  });
  labbook(['engine', 'stop']);
  const mlflow = await startMlflow(dir, rows);
  let peer: Awaited<ReturnType<typeof measure>> | undefined;
  if (typeof mlflow !== 'string') {
    try {
      // One request per client: each takes MLflow seconds, which a 10 s run would not see the end of.
      peer = await measure({
        amount: CONNECTIONS,
        timeout: 1800,
        url: `${mlflow.url}/api/2.0/mlflow/runs/search`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_ids: [mlflow.experiment], filter: MLFLOW_FILTER, max_results: 100 }),
      });
    } finally {
      mlflow.stop();
    }
  }
  report({
    name: 'api_runs_page_100_of_100k_filtered_p99_50_clients',
    value: measured.p99,
    unit: 'ms',
    p50: measured.p50,
    requestsPerSecond: measured.rps,
    errors: measured.errors,
    selected: total,
    ...(peer && {
      baseline: peer.p99,
      baselineLabel: 'MLflow tracking server (sqlite): runs/search, same filter, max_results 100, first page',
      ratio: measured.p99 / peer.p99,
      baselineP50: peer.p50,
      baselineRequestsPerSecond: peer.rps,
      baselineErrors: peer.errors,
    }),
    ...(typeof mlflow === 'string' && { baselineSkipped: mlflow }),
    target: '<= 50 ms',
  });
  report({
    name: 'api_runs_every_page_of_100k_filtered_p99_50_clients',
    value: scrolled.p99,
    unit: 'ms',
    p50: scrolled.p50,
    requestsPerSecond: scrolled.rps,
    errors: scrolled.errors,
    pages,
  });
} finally {
  labbook(['engine', 'stop']);
  removeScratch(dir);
}
