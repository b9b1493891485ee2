import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { SqliteConnection } from '../../../src/store/sqlite/connection.js';
import { type CliResult, cli } from '../../helpers/cli.js';
import { processEnv, project } from '../../helpers/project.js';
import { onSmallDisk, smallDiskUnavailable } from '../../helpers/small-disk.js';
import { tempDir } from '../../helpers/temp-dir.js';

const env = processEnv();
const GRID = 'name: grid\nparameters:\n  x: range(300)\ncommand: [sh, -c, "exit 0"]\n';

/** A project whose store holds a few hundred runs, closed again; returns its database file. */
async function storeWithRuns(t: TestContext): Promise<{ dir: string; file: string }> {
  const dir = await project(t, GRID);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env })).code, 0);
  return { dir, file: join(dir, '.labbook', 'labbook.db') };
}

/** The code and message of the error a `--json` command printed on stderr. */
function errorOf(result: CliResult): { code: string; message: string } {
  return JSON.parse(result.stderr.trim().split('\n').at(-1) ?? '');
}

function assertRefused(result: CliResult, code: string, message: RegExp): void {
  assert.equal(result.code, 3, result.stderr);
  assert.doesNotMatch(result.stderr, /internal error|bug in labbook/);
  const error = errorOf(result);
  assert.equal(error.code, code);
  assert.match(error.message, message);
}

/** What a command on the small disk left in $OUT: its exit status (`NAME.code`) and stderr (`NAME.err`). */
function copiedOut(dir: string, name: string): CliResult {
  const read = (suffix: string) => readFileSync(join(dir, 'out', `${name}.${suffix}`), 'utf8');
  return { code: Number(read('code')), stdout: '', stderr: read('err') };
}

/** Overwrites page `page` (1-based) of an SQLite file with bytes no b-tree page has. */
function garblePage(file: string, page: number): void {
  const size = 4096;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(size, 0xff), 0, size, (page - 1) * size);
  closeSync(fd);
}

function rootPageOf(file: string, table: string): number {
  const db = new SqliteConnection(file, { readOnly: true });
  try {
    return (db.prepare(`SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as { rootpage: number }).rootpage;
  } finally {
    db.close();
  }
}

test('a store whose file is damaged is refused as LB_STORE_CORRUPT, with what to do', async (t) => {
  const { dir, file } = await storeWithRuns(t);
  garblePage(file, rootPageOf(file, 'runs'));
  const ls = await cli(dir, ['ls', '--json'], { env });
  assertRefused(ls, 'LB_STORE_CORRUPT', /labbook\.db is damaged \(SQLite: database disk image is malformed\).*backup/);
  assert.ok(ls.stderr.includes(file), 'the message names the file');
});

test('a labbook.db that is not an SQLite file is refused as LB_STORE_CORRUPT', async (t) => {
  const { dir, file } = await storeWithRuns(t);
  writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
  assertRefused(await cli(dir, ['status', '--json'], { env }), 'LB_STORE_CORRUPT', /\(SQLite: file is not a database\)/);
});

test('a store missing one of its tables is refused as LB_STORE_CORRUPT', async (t) => {
  const { dir, file } = await storeWithRuns(t);
  const db = new SqliteConnection(file);
  db.exec('DROP TABLE run_events');
  db.close();
  assertRefused(await cli(dir, ['show', '1', '--json'], { env }), 'LB_STORE_CORRUPT', /\(SQLite: no such table: run_events\)/);
});

test('a zero-length labbook.db is not taken for an empty store, by any command', async (t) => {
  const { dir, file } = await storeWithRuns(t);
  truncateSync(file, 0);
  for (const command of [['status'], ['add', 'sweep.yaml'], ['worker'], ['init']]) {
    assertRefused(
      await cli(dir, [...command, '--json'], { env }),
      'LB_STORE_NOT_LABBOOK',
      /labbook\.db is empty \(0 bytes\): it is not a labbook store.*restore it from a backup.*labbook init/,
    );
  }
  assert.equal(statSync(file).size, 0, 'left as it was');
});

test('a full disk is refused as LB_STORE_FULL and the store keeps what it had', { skip: smallDiskUnavailable }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'big.yaml'), 'name: big\nparameters:\n  x: range(30000)\ncommand: [sh, -c, "exit 0"]\n');
  const result = await onSmallDisk(
    dir,
    '1m',
    `cp "${join(dir, 'big.yaml')}" . && $LABBOOK init >/dev/null && $LABBOOK add big.yaml --json 2>"$OUT/add.err"
echo $? >"$OUT/add.code"
$LABBOOK status --json >"$OUT/status.json"`,
  );
  assert.equal(result.code, 0, result.stderr);
  assertRefused(
    copiedOut(dir, 'add'),
    'LB_STORE_FULL',
    /the disk holding the store .*labbook\.db is full \(SQLite: database or disk is full\)\. Nothing it had stored is lost: free space/,
  );
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'out', 'status.json'), 'utf8')), [], 'nothing of the failed add was kept');
});

test('a store on a read-only file system is refused as LB_STORE_READONLY', { skip: smallDiskUnavailable }, async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'sweep.yaml'), GRID);
  const result = await onSmallDisk(
    dir,
    '4m',
    `cp "${join(dir, 'sweep.yaml')}" . && $LABBOOK init >/dev/null && $LABBOOK add sweep.yaml >/dev/null && mount -o remount,ro "$DISK" || exit 98
$LABBOOK status --json 2>"$OUT/status.err"
echo $? >"$OUT/status.code"`,
  );
  assert.equal(result.code, 0, result.stderr);
  assertRefused(copiedOut(dir, 'status'), 'LB_STORE_READONLY', /cannot write to the store .*labbook\.db.*read-only/);
});
