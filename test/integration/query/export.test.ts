import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { exportRuns, exportText, parseRunCondition, writeExport } from '../../../src/query/index.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { StatementCache } from '../../../src/store/sqlite/statement-cache.js';
import { assertGolden } from '../../helpers/golden.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { queryFixture } from '../store/query-fixture.js';

async function fixtureStore(t: TestContext): Promise<{ store: SqliteStore; dir: string }> {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  await queryFixture(store);
  return { store, dir };
}

test('export has one row per run: fields, params.x, metrics.key.stat (golden CSV)', async (t) => {
  const { store } = await fixtureStore(t);
  const table = await exportRuns(store, { experiments: ['cv'] });
  assert.equal(table.rows.length, 5);
  assert.ok(table.columns.includes('params.opt.m'));
  assert.ok(table.columns.includes('metrics.val.loss.min'));
  assertGolden('export.csv', exportText(table, 'csv'));
});

test('export honours a query; JSON rows are objects', async (t) => {
  const { store } = await fixtureStore(t);
  const rows = JSON.parse(exportText(await exportRuns(store, { query: parseRunCondition('metrics.acc > 0.75') }), 'json'));
  assert.deepEqual(
    rows.map((r: Record<string, unknown>) => [r.id, r['params.model'], r['metrics.acc.last'], r['metrics.acc.count']]),
    [
      [1, 'svc', 0.9, 2],
      [2, 'svc', 0.8, 1],
    ],
  );
});

test('Parquet is written with typed columns and reads back with hyparquet', async (t) => {
  const { store, dir } = await fixtureStore(t);
  const file = join(dir, 'runs.parquet');
  const table = await exportRuns(store, { experiments: ['cv'] });
  writeExport(table, 'parquet', file);
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Array<Record<string, unknown>>;
  assert.equal(rows.length, 5);
  assert.deepEqual(Object.keys(rows[0] as object), table.columns);
  assert.equal(rows[0]?.id, 1n);
  assert.equal(rows[0]?.['params.model'], 'svc');
  assert.equal(rows[0]?.['metrics.acc.first'], 0.5);
  assert.equal(rows[0]?.duration, 10n, 'a column of whole numbers is INT64');
  assert.equal(rows[3]?.['params.lr'], '"0.1"', 'a column of mixed types is JSON text');
  assert.equal(rows[0]?.['params.lr'], '0.1');
  assert.equal(rows[4]?.['metrics.acc.last'], null);
  assert.equal(rows[0]?.['params.flag'], true);
  assert.equal(rows[0]?.state, 'COMPLETED');
});

test('the statement cache keeps at most its capacity of prepared statements', async (t) => {
  const { store } = await fixtureStore(t);
  const cache = new StatementCache(store.database, 4);
  for (let i = 0; i < 10; i++) cache.get(`SELECT ${i}`);
  assert.equal(cache.size, 4);
  for (let i = 0; i < 300; i++)
    await store.listRuns({ query: parseRunCondition(`lr < ${i} | seed == ${i} & model in [${'1,'.repeat(i % 7)}2]`) });
  assert.equal((await store.listRuns({ query: parseRunCondition('lr < 1') })).length, 4);
});
