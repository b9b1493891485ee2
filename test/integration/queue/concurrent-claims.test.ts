import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { Queue } from '../../../src/queue/queue.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { repoPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/temp-dir.js';

const WORKERS = 8;
const RUNS = 2_000;

function runWorker(file: string, id: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      repoPath('dist', 'test', 'fixtures', 'claim-worker.js'),
      file,
      id,
      String(1 + (Number(id.slice(1)) % 4)),
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(`${WORKERS} processes claiming from one SQLite file claim every run exactly once`, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'labbook.db');
  const store = new SqliteStore(file, dir);
  t.after(() => store.close());
  await new Queue(store).enqueue(defineExperiment({ name: 'race', parameters: { i: `range(${RUNS})` } }));

  const results = await Promise.all(Array.from({ length: WORKERS }, (_, i) => runWorker(file, `w${i}`)));

  for (const result of results) {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no SQLITE_BUSY or other error surfaced');
  }
  const claimedPerWorker = results.map((r) => JSON.parse(r.stdout) as number[]);
  const claimed = claimedPerWorker.flat();
  assert.equal(claimed.length, RUNS, 'no run claimed twice');
  assert.equal(new Set(claimed).size, RUNS, 'every run claimed');
  assert.ok(claimedPerWorker.filter((ids) => ids.length > 0).length > 1, 'the work was shared between processes');

  const runs = await store.listRuns({});
  assert.ok(runs.every((r) => r.state === 'COMPLETED' && r.attempt === 1));
  const claimEvents = store.database
    .prepare("SELECT run_id, count(*) AS n FROM run_events WHERE reason = 'claimed' GROUP BY run_id HAVING n <> 1")
    .all();
  assert.deepEqual(claimEvents, []);
  for (const run of runs) {
    const owner = claimedPerWorker.findIndex((ids) => ids.includes(run.id));
    assert.deepEqual(run.result, { by: `w${owner}` }, `run ${run.id} was completed by the worker that claimed it`);
  }
});
