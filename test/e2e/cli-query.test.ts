import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { Queue } from '../../src/queue/queue.js';
import { openStore } from '../../src/store/open-store.js';
import { cli, cliProcess, jsonLines } from '../helpers/cli.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

const SPEC = `name: cv
parameters:
  dataset: [digits, wine]
  model: [svc, rf]
  seed: [1, 2]
settings: {n_fold: 5}
retries: 0
`;

/** 8 runs; the first 6 complete with score = id / 10 (acc logged as a metric), the rest stay PENDING. */
async function project(t: TestContext): Promise<string> {
  const dir = tempDir(t);
  assert.equal((await cli(dir, ['init'])).code, 0);
  writeSpec(dir, SPEC);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const store = await openStore({ cwd: dir });
  const queue = new Queue(store);
  for (let i = 0; i < 6; i++) {
    const [run] = await queue.claim('w', 1);
    const lease = { runId: run!.id, workerId: 'w', attempt: run!.attempt };
    await store.appendMetrics(run!.id, run!.attempt, [{ key: 'acc', step: 0, value: run!.id / 10, at: 0 }]);
    await queue.complete(lease, { score: run!.id / 10 });
  }
  await store.close();
  return dir;
}

test('ls takes a query (its words joined) and keeps -e, --state and --json', async (t) => {
  const dir = await project(t);
  const human = await cli(dir, ['ls', 'model', '==', '"svc"', '&', 'seed == 1']);
  assert.equal(human.code, 0);
  assert.deepEqual(
    [...human.stdout.matchAll(/^\s*(\d+)\s+cv/gm)].map((m) => Number(m[1])),
    [1, 5],
  );
  const json = jsonLines((await cli(dir, ['ls', '-e', 'cv', 'acc > 0.45', '--json'])).stdout) as { id: number }[];
  assert.deepEqual(
    json.map((r: { id: number }) => r.id),
    [5, 6],
  );
  assert.deepEqual(Object.keys(json[0] ?? {}).slice(0, 7), ['id', 'experimentId', 'experiment', 'specVersion', 'hash', 'params', 'state']);
  assert.deepEqual(jsonLines((await cli(dir, ['ls', '--state', 'PENDING', 'dataset == "wine"', '--json'])).stdout).length, 2);
});

test('a malformed query or unknown key exits 2 with the column marked', async (t) => {
  const dir = await project(t);
  const syntax = cliProcess(dir, ['ls', 'model == "svc" &']);
  assert.equal(syntax.code, 2);
  assert.equal(
    syntax.stderr,
    'labbook: query syntax error at column 17: expected a condition such as lr == 0.1, found end of query\n  model == "svc" &\n                  ^\n',
  );
  const unknown = await cli(dir, ['ls', 'modle == "svc"']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown key 'modle' at column 1: did you mean 'model'\?/);
  const keys = (await cli(dir, ['ls', '--keys'])).stdout.split('\n');
  assert.deepEqual(keys.slice(0, 7), ['dataset', 'model', 'seed', 'settings.n_fold', 'metrics.acc', 'result.score', 'id']);
});

test('status, reset and cancel select runs by query', async (t) => {
  const dir = await project(t);
  const status = JSON.parse((await cli(dir, ['status', 'dataset == "wine"', '--json'])).stdout);
  assert.deepEqual(status, [{ experiment: 'cv', total: 4, PENDING: 2, RUNNING: 0, COMPLETED: 2, FAILED: 0, CANCELLED: 0 }]);
  assert.match((await cli(dir, ['reset', 'acc >= 0.5'])).stdout, /Reset 2 runs to PENDING\./);
  assert.match((await cli(dir, ['cancel', 'model == "rf"'])).stdout, /Cancelled 2 runs\./);
  const states = (jsonLines((await cli(dir, ['ls', '--json'])).stdout) as { state: string }[]).map((r) => r.state);
  assert.deepEqual(states, ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'PENDING', 'PENDING', 'CANCELLED', 'CANCELLED']);
});

test('table groups by two keys and aggregates, as Markdown, LaTeX and CSV', async (t) => {
  const dir = await project(t);
  const md = await cli(dir, ['table', 'state == "COMPLETED"', '-g', 'dataset,model', '-a', 'mean(acc),std(acc),count()', '--best', 'max']);
  assert.equal(md.code, 0, md.stderr);
  assert.equal(
    md.stdout,
    [
      '| dataset | model |               acc |   n |',
      '| ------- | ----- | ----------------: | --: |',
      '| digits  | rf    |     0.350 ± 0.071 |   2 |',
      '| digits  | svc   |     0.150 ± 0.071 |   2 |',
      '| wine    | svc   | **0.550 ± 0.071** |   2 |',
      '',
    ].join('\n'),
  );
  const latex = (await cli(dir, ['table', '-g', 'dataset', '-a', 'mean,std(result.score)', '--format', 'latex', '--digits', '2'])).stdout;
  assert.match(
    latex,
    /\\toprule\ndataset & result\.score \\\\\n\\midrule\ndigits & \$0\.25 \\pm 0\.13\$ \\\\\nwine & \$0\.55 \\pm 0\.07\$ \\\\/,
  );
  const csv = (await cli(dir, ['table', '-e', 'cv', '-g', 'model', '--format', 'csv'])).stdout;
  assert.match(
    csv,
    /^model,count\(\),mean\(metrics\.acc\),std\(metrics\.acc\)\nrf,4,0\.35,0\.070710678118654\d*\nsvc,4,0\.35,0\.238047614284761\d*\n$/,
  );
  const bad = await cli(dir, ['table', '-a', 'avg(acc)']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown aggregate 'avg'/);
});

test('export writes CSV to stdout and Parquet to a file', async (t) => {
  const dir = await project(t);
  const csv = (await cli(dir, ['export', 'acc > 0.35'])).stdout.trimEnd().split('\n');
  assert.equal(csv.length, 4);
  assert.match(
    csv[0] as string,
    /^id,experiment,hash,state,attempt,started,finished,duration,exit_code,failure_reason,params\.dataset,params\.model,params\.seed,metrics\.acc\.last,/,
  );
  assert.match(csv[1] as string, /^4,cv,[0-9a-f]{64},COMPLETED,1,/);
  const written = await cli(dir, ['export', '-e', 'cv', '-o', 'runs.parquet']);
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stderr, /^labbook: wrote 8 runs to runs\.parquet\n$/);
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(dir, 'runs.parquet')) })) as Array<Record<string, unknown>>;
  assert.deepEqual(
    rows.map((r) => [r.id, r['params.model'], r['metrics.acc.last']]),
    [
      [1n, 'svc', 0.1],
      [2n, 'svc', 0.2],
      [3n, 'rf', 0.3],
      [4n, 'rf', 0.4],
      [5n, 'svc', 0.5],
      [6n, 'svc', 0.6],
      [7n, 'rf', null],
      [8n, 'rf', null],
    ],
  );
  assert.equal((await cli(dir, ['export', '--format', 'parquet'])).code, 2);
});

test('a table wider than 1,500 columns is refused with how to name its keys, never an internal error', async (t) => {
  const dir = await project(t);
  const store = await openStore({ cwd: dir });
  const points = Array.from({ length: 1_000 }, (_, i) => ({ key: `m${i}`, step: 0, value: i, at: 0 }));
  await store.appendMetrics(1, 1, points);
  await store.close();

  const wide = await cli(dir, ['table', '-g', 'model']);
  assert.equal(wide.code, 2);
  assert.match(
    wide.stderr,
    /the table would have 2004 columns \(mean ± std of each of the 1001 metrics\); at most 1500 fit: name the keys, e\.g\. -a 'mean,std\(metrics\.acc\)'/,
  );
  const aggregates = Array.from({ length: 2_100 }, (_, i) => `max(metrics.m${i % 1_000})`).join(',');
  assert.match((await cli(dir, ['table', '-a', aggregates])).stderr, /2100 columns \(the aggregates given\)/);
  assert.equal((await cli(dir, ['table', '-g', 'model', '-a', 'mean,std(metrics.m999)'])).code, 0);
});

test('table and export have help with examples', async (t) => {
  const dir = tempDir(t);
  for (const command of ['table', 'export']) {
    const help = await cli(dir, [command, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n\s+\$ labbook /);
  }
});
