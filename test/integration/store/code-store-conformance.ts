import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runHash } from '../../../src/spec/run-hash.js';
import type { StoreFactory } from './store-conformance.js';

const T0 = Date.UTC(2026, 0, 1);
const TREE = 'a'.repeat(40);
const COMMIT = 'b'.repeat(40);

/** What every Store backend keeps of code snapshots and reruns (CodeStore). */
export function describeCodeStoreConformance(backend: string, makeStore: StoreFactory): void {
  describe(`CodeStore conformance: ${backend}`, () => {
    test('a snapshot is recorded once per tree, with its commit and diff', async (t) => {
      const store = await makeStore(t);
      const snapshot = { tree: TREE, commit: COMMIT, diff: 'diff --git a/x b/x\n', repository: '/src/project', createdAt: T0 };
      await store.recordCodeSnapshot(snapshot);
      await store.recordCodeSnapshot({ ...snapshot, diff: null, createdAt: T0 + 1 });
      assert.deepEqual(await store.getCodeSnapshot(TREE), snapshot);
      assert.equal(await store.getCodeSnapshot(COMMIT), undefined);
    });

    test('a rerun is a new PENDING run of the same version and parameters, linked to the run, claimed first', async (t) => {
      const store = await makeStore(t);
      const experiment = await store.saveExperiment('exp', { name: 'exp' }, T0);
      const params = [{ i: 0 }, { i: 1 }, { i: 2 }];
      await store.enqueueRuns(experiment.id, [params.map((p) => ({ hash: runHash(p), paramsJson: JSON.stringify(p) }))], {
        now: T0,
        retries: 2,
      });
      const [first] = await store.claimRuns({ workerId: 'w', limit: 1, now: T0, leaseExpiresAt: T0 + 30_000 });
      assert.ok(first);
      await store.finishRun({ runId: first.id, workerId: 'w', attempt: 1 }, { kind: 'completed', result: 1 }, T0 + 1);

      const rerun = await store.addRerun(first.id, T0 + 2);
      assert.ok(rerun);
      assert.deepEqual(
        [rerun.state, rerun.attempt, rerun.specVersion, rerun.hash, rerun.params, rerun.retries],
        ['PENDING', 0, first.specVersion, first.hash, first.params, 2],
      );
      assert.equal(await store.rerunOf(rerun.id), first.id);
      assert.equal(await store.rerunOf(first.id), undefined);
      assert.equal((await store.getRun(first.id))?.state, 'COMPLETED', 'the original is left as it was');
      assert.deepEqual(
        (await store.listRunEvents(rerun.id)).map((event) => [event.fromState, event.toState, event.reason]),
        [[null, 'PENDING', `rerun of run ${first.id}`]],
      );
      const [next] = await store.claimRuns({ workerId: 'w', limit: 1, now: T0 + 3, leaseExpiresAt: T0 + 30_000 });
      assert.equal(next?.id, rerun.id, 'claimed before the runs queued before it');
      assert.deepEqual(
        (await store.findRunsByHashPrefix(first.hash.slice(0, 12), 5)).map((run) => run.id),
        [first.id, rerun.id],
      );
      assert.equal(await store.addRerun(9999, T0), undefined);
    });
  });
}
