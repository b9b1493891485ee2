import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliProcess, jsonLines } from '../helpers/cli.js';
import { freshDatabase, postgresAvailable } from '../helpers/postgres.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

const SPEC = `name: sweep
command: ["echo", "x={x}"]
parameters:
  x: [1, 2, 3]
  model: [svc, rf]
`;

/**
 * The CLI on a PostgreSQL store named by LABBOOK_STORE: init records the object directory,
 * run executes a sweep, a worker in another directory executes what add queued later, and
 * ls, table and the engine (status) read it back. The engine is keyed by the URL.
 */
if (postgresAvailable('CLI on a PostgreSQL store')) {
  test('init, run, worker, ls and table on a PostgreSQL store', async (t) => {
    const url = await freshDatabase(t);
    const dir = tempDir(t);
    const objects = join(dir, 'shared-objects');
    const env = { LABBOOK_STORE: url };
    t.after(() => cliProcess(dir, ['engine', 'stop'], env));

    const init = cliProcess(dir, ['--json', 'init', '--objects', objects], env);
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(JSON.parse(init.stdout), { store: url.replace(':labbook@', ':***@'), objects, created: true });
    assert.equal(JSON.parse(cliProcess(dir, ['--json', 'init'], env).stdout).created, false, 'a second init changes nothing');
    assert.ok(!existsSync(join(dir, '.labbook')), 'no SQLite store was made');

    writeSpec(dir, SPEC);
    const run = cliProcess(dir, ['run', 'sweep.yaml', '-j', '2'], env);
    assert.equal(run.code, 0, run.stderr);

    writeSpec(dir, SPEC.replace('[svc, rf]', '[svc, rf, knn]'));
    assert.equal(cliProcess(dir, ['add', 'sweep.yaml'], env).code, 0);
    const elsewhere = tempDir(t);
    const worker = cliProcess(elsewhere, ['worker', '-j', '2'], env);
    assert.equal(worker.code, 0, worker.stderr);

    const runs = jsonLines(cliProcess(dir, ['--json', 'ls'], env).stdout) as Array<{ state: string; params: { x: number } }>;
    assert.equal(runs.length, 9);
    assert.deepEqual(new Set(runs.map((r) => r.state)), new Set(['COMPLETED']));
    const table = cliProcess(dir, ['table', '-e', 'sweep', '-g', 'x', '-a', 'count()', '--format', 'csv'], env);
    assert.equal(table.code, 0, table.stderr);
    assert.deepEqual(table.stdout.trim().split('\n').slice(1), ['1,3', '2,3', '3,3']);
    assert.ok(existsSync(join(objects, 'runs')), 'run directories are in the object directory');
  });
}

/** labbook tune on a PostgreSQL store: the study, its trials and their runs live in the shared database. */
if (postgresAvailable('labbook tune on a PostgreSQL store')) {
  test('labbook tune on a PostgreSQL store: each trial a queued run, told back', async (t) => {
    const url = await freshDatabase(t);
    const dir = tempDir(t);
    const env = { LABBOOK_STORE: url };
    t.after(() => cliProcess(dir, ['engine', 'stop'], env));
    assert.equal(cliProcess(dir, ['init', '--objects', join(dir, 'objects')], env).code, 0);
    writeFileSync(
      join(dir, 'evaluate.py'),
      'import json, os, sys\nloss = (float(sys.argv[1]) - 0.3) ** 2\nos.write(3, (json.dumps({"type": "result", "value": {"loss": loss}}) + "\\n").encode())\n',
    );
    writeFileSync(join(dir, 'quad.yaml'), 'name: quad\ncommand: python3 evaluate.py {x}\nsearch:\n  x: {uniform: [-1, 1]}\n');
    const tuned = cliProcess(dir, ['--json', 'tune', 'quad.yaml', '--trials', '6', '--objective', 'loss', '-j', '2', '--seed', '2'], env);
    assert.equal(tuned.code, 0, tuned.stderr);
    const report = JSON.parse(tuned.stdout) as { counts: Record<string, number>; best: { values: number[]; params: { x: number } } };
    assert.deepEqual(report.counts, { RUNNING: 0, COMPLETE: 6, PRUNED: 0, FAILED: 0 });
    assert.equal(report.best.values[0], (report.best.params.x - 0.3) ** 2);
    const runs = jsonLines(cliProcess(dir, ['--json', 'ls'], env).stdout) as Array<{ state: string }>;
    assert.deepEqual(
      runs.map((run) => run.state),
      Array(6).fill('COMPLETED'),
    );
  });
}
