import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord } from '../../../src/domain/index.js';
import { RunPageCache } from '../../../src/engine/run-page-cache.js';
import { parseKeyExpression } from '../../../src/query/run-condition.js';
import type { Store } from '../../../src/store/types.js';
import { seedApiStore, T0 } from '../../helpers/http-api.js';
import { project, projectStore } from '../../helpers/project.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** The seeded store, with its scans of a selection (orderedRunIds) counted. */
async function countedStore(t: test.TestContext): Promise<{ store: Store; raw: Store; scans: () => number }> {
  const raw = await projectStore(t, await project(t));
  await seedApiStore(raw, tempDir(t));
  let scans = 0;
  const store = new Proxy(raw, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (name === 'orderedRunIds') scans++;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, raw, scans: () => scans };
}

const ids = (runs: RunRecord[]) => runs.map((run) => run.id);
const same = async (runs: RunRecord[]) => runs;

test('pages of a selection come from one scan while the store is unchanged, in the order of the whole', async (t) => {
  const { store, scans } = await countedStore(t);
  const cache = new RunPageCache(store);
  const byLr = { sort: { key: parseKeyExpression('lr'), descending: true } };
  const filter = { experiments: ['cv'] };
  const pages = [];
  for (let offset = 0; offset < 4; offset++) pages.push(await cache.page('cv by lr', filter, { ...byLr, limit: 1, offset }, same));
  assert.deepEqual(
    pages.map((p) => p.total),
    [4, 4, 4, 4],
  );
  assert.deepEqual(
    pages.flatMap((p) => ids(p.runs)),
    [4, 3, 1, 2],
    'lr 1, 0.5, 0.1, 0.01',
  );
  assert.equal(scans(), 1);
  const twice = await Promise.all([1, 2, 3].map(() => cache.page('other', filter, { limit: 2, offset: 2 }, same)));
  assert.deepEqual(ids(twice[0]?.runs ?? []), [3, 4]);
  assert.equal(scans(), 2, 'concurrent first requests of a selection share its scan');
});

test('a state change or a new metric point makes the selection read again', async (t) => {
  const { store, raw, scans } = await countedStore(t);
  const cache = new RunPageCache(store);
  const pending = { experiments: ['cv'], states: ['PENDING' as const] };
  assert.equal((await cache.page('pending', pending, { limit: 10, offset: 0 }, same)).total, 1);
  await raw.cancelRuns({ ids: [4] }, T0 + 10_000);
  const after = await cache.page('pending', pending, { limit: 10, offset: 0 }, same);
  assert.equal(after.total, 0, 'the cancelled run left the selection');

  const byAcc = { sort: { key: parseKeyExpression('metrics.acc'), descending: true } };
  const completed = { states: ['COMPLETED' as const] };
  assert.deepEqual(ids((await cache.page('acc', completed, { ...byAcc, limit: 10, offset: 0 }, same)).runs), [1, 2]);
  const before = scans();
  await raw.appendMetrics(2, 1, [{ key: 'acc', step: 1, value: 0.99, at: T0 + 20_000 }]);
  assert.deepEqual(ids((await cache.page('acc', completed, { ...byAcc, limit: 10, offset: 0 }, same)).runs), [2, 1]);
  assert.equal(scans(), before + 1);
});
