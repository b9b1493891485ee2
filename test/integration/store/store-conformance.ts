import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { onSharedBase } from '../../../src/domain/environment-base.js';
import type { RunRecord } from '../../../src/domain/index.js';
import { parseKeyExpression } from '../../../src/query/run-condition.js';
import { runHash } from '../../../src/spec/run-hash.js';
import type { JsonValue, Params } from '../../../src/spec/types.js';
import type { Lease, Store } from '../../../src/store/types.js';

/**
 * The behaviour every Store backend must have. Each backend's test file calls this with a
 * factory that gives a fresh, empty, migrated store per test.
 */
export type StoreFactory = (t: TestContext) => Promise<Store>;

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 30_000;

/** One batch of runs to enqueue. */
const newRuns = (...params: Params[]) => [params.map((p) => ({ paramsJson: JSON.stringify(p), hash: runHash(p) }))];

async function experimentWithRuns(store: Store, count: number, options: { retries?: number; name?: string } = {}) {
  const experiment = await store.saveExperiment(options.name ?? 'exp', { name: options.name ?? 'exp' }, T0);
  const runs = newRuns(...Array.from({ length: count }, (_, i) => ({ i })));
  await store.enqueueRuns(experiment.id, runs, { now: T0, retries: options.retries ?? 0 });
  return experiment;
}

const leaseOf = (run: RunRecord, workerId = 'w1'): Lease => ({ runId: run.id, workerId, attempt: run.attempt });

async function claimOne(store: Store, workerId = 'w1', now = T0): Promise<RunRecord> {
  const [run] = await store.claimRuns({ workerId, limit: 1, now, leaseExpiresAt: now + LEASE });
  assert.ok(run, 'a run was claimed');
  return run;
}

/** Reaps the leases of its lost worker (claimed at T0): the run went back as one that began, its attempt kept and a loss counted. */
async function assertReapedAsBegun(store: Store, runId: number, why: string): Promise<void> {
  await store.reapExpiredLeases(T0 + LEASE + 1, 3);
  const back = await store.getRun(runId);
  assert.deepEqual([back?.state, back?.attempt, back?.losses, back?.failureReason], ['PENDING', 1, 1, 'worker lost'], why);
}

export function describeStoreConformance(backend: string, makeStore: StoreFactory): void {
  describe(`Store conformance: ${backend}`, () => {
    test('experiments are saved once by name and their spec is replaced on save', async (t) => {
      const store = await makeStore(t);
      const first = await store.saveExperiment('cv', { v: 1 }, T0);
      const second = await store.saveExperiment('cv', { v: 2 }, T0 + 5);
      assert.equal(second.id, first.id);
      assert.deepEqual((await store.getExperiment('cv'))?.spec, { v: 2 });
      assert.equal((await store.getExperimentById(first.id))?.name, 'cv');
      assert.deepEqual(
        (await store.listExperiments()).map((e) => e.name),
        ['cv'],
      );
      assert.equal(await store.getExperiment('nope'), undefined);
    });

    test('enqueue adds runs as PENDING in grid order with an audit event each', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 3);
      const runs = await store.listRuns({});
      assert.deepEqual(
        runs.map((r) => [r.params.i, r.state, r.attempt]),
        [
          [0, 'PENDING', 0],
          [1, 'PENDING', 0],
          [2, 'PENDING', 0],
        ],
      );
      const events = await store.listRunEvents(runs[0]!.id);
      assert.deepEqual(
        events.map((e) => [e.fromState, e.toState, e.reason]),
        [[null, 'PENDING', 'enqueued']],
      );
    });

    test('listRunFields reads the fields asked for of the runs listRuns lists, in their order', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 3);
      await experimentWithRuns(store, 1, { name: 'other' });
      const done = await claimOne(store);
      await store.finishRun(leaseOf(done), { kind: 'completed', result: { score: [1, 'a'] } }, T0 + 1);
      const fields = ['result', 'id', 'params', 'experiment', 'state', 'startedAt', 'error'] as const;
      const picked = await store.listRunFields({ experiments: ['exp'] }, fields);
      const full = await store.listRuns({ experiments: ['exp'] });
      assert.equal(picked.length, 3);
      assert.deepEqual(
        picked,
        full.map((run) => Object.fromEntries(fields.map((field) => [field, run[field]]))),
      );
      assert.deepEqual(Object.keys(picked[0] ?? {}), [...fields]);
      assert.deepEqual(picked[0]?.result, { score: [1, 'a'] });
    });

    test('re-enqueueing is idempotent: only new runs are added, completed ones are the cache', async (t) => {
      const store = await makeStore(t);
      const experiment = await experimentWithRuns(store, 2);
      const run = await claimOne(store);
      await store.finishRun(leaseOf(run), { kind: 'completed', result: { score: 1 } }, T0 + 1);
      const counts = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }, { i: 1 }, { i: 2 }), { now: T0 + 2, retries: 0 });
      assert.deepEqual(counts, { planned: 3, added: 1, replanned: 0, requeued: 0, moved: 0, unchanged: { COMPLETED: 1, PENDING: 1 } });
      assert.equal((await store.listRuns({})).length, 3);
      assert.deepEqual((await store.getRun(run.id))?.result, { score: 1 });
    });

    test('enqueue can requeue failed runs of the grid and leaves the others alone', async (t) => {
      const store = await makeStore(t);
      const experiment = await experimentWithRuns(store, 2);
      const run = await claimOne(store);
      await store.finishRun(leaseOf(run), { kind: 'failed', reason: 'error', error: 'boom' }, T0 + 1);
      const counts = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }, { i: 1 }), {
        now: T0 + 2,
        retries: 0,
        requeueStates: ['FAILED'],
      });
      assert.deepEqual(counts, { planned: 2, added: 0, replanned: 0, requeued: 1, moved: 0, unchanged: { PENDING: 1 } });
      const requeued = await store.getRun(run.id);
      assert.equal(requeued?.state, 'PENDING');
      assert.equal(requeued?.error, null);
      assert.equal(requeued?.failures, 0);
    });

    test('a spec unlike the latest version is the next version; runs keep the version they were planned with', async (t) => {
      const store = await makeStore(t);
      const first = await store.saveExperiment('cv', { v: 1 }, T0);
      await store.enqueueRuns(first.id, newRuns({ i: 0 }), { now: T0, retries: 0 });
      assert.equal((await store.saveExperiment('cv', { v: 1 }, T0 + 1)).specVersion, 1);
      const second = await store.saveExperiment('cv', { v: 2 }, T0 + 2);
      assert.equal(second.specVersion, 2);
      await store.enqueueRuns(first.id, newRuns({ i: 1 }), { now: T0 + 2, retries: 0 });
      assert.deepEqual(
        (await store.listSpecVersions(first.id)).map((v) => [v.version, v.spec, v.createdAt]),
        [
          [1, { v: 1 }, T0],
          [2, { v: 2 }, T0 + 2],
        ],
      );
      assert.deepEqual((await store.getSpecVersion(first.id, 1))?.spec, { v: 1 });
      assert.deepEqual(
        (await store.listRuns({})).map((r) => [r.params.i, r.specVersion]),
        [
          [0, 1],
          [1, 2],
        ],
      );
      assert.deepEqual(
        (await store.listRuns({ specVersions: [1] })).map((r) => r.params.i),
        [0],
      );
      const same = await store.saveExperiment('cv', { v: 2, grid: 'other' }, T0 + 3, { asLatestVersion: true });
      assert.deepEqual([same.specVersion, same.spec], [2, { v: 2, grid: 'other' }], 'the latest spec, run as the latest version');
    });

    test('a COMPLETED run of other settings stays, even on --rerun, and its parameters are planned anew beside it', async (t) => {
      const store = await makeStore(t);
      const experiment = await experimentWithRuns(store, 1);
      const done = await claimOne(store);
      await store.finishRun(leaseOf(done), { kind: 'completed', result: { k: 1 } }, T0 + 1);
      await store.saveExperiment('exp', { name: 'exp', settings: { k: 2 } }, T0 + 2);
      const counts = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }), {
        now: T0 + 2,
        retries: 0,
        specVersion: 2,
        requeueStates: ['FAILED', 'CANCELLED', 'COMPLETED'],
      });
      assert.deepEqual(counts, { planned: 1, added: 1, replanned: 1, requeued: 0, moved: 0, unchanged: {} });
      assert.deepEqual(
        (await store.listRuns({})).map((r) => [r.params.i, r.specVersion, r.state, r.result]),
        [
          [0, 1, 'COMPLETED', { k: 1 }],
          [0, 2, 'PENDING', null],
        ],
      );
      const again = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }), {
        now: T0 + 3,
        retries: 0,
        specVersion: 3,
        equivalentVersions: [1, 3],
      });
      assert.deepEqual(again.unchanged, { COMPLETED: 1 }, 'a COMPLETED run of an equivalent version is the cache');
    });

    test("a PENDING run of an equivalent version is the plan's own: left alone, or moved to the planned version when asked", async (t) => {
      const store = await makeStore(t);
      const experiment = await experimentWithRuns(store, 1);
      await store.saveExperiment('exp', { name: 'exp', retries: 2 }, T0 + 1);
      const options = { now: T0 + 1, retries: 2, equivalentVersions: [1, 2] };
      const kept = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }), options);
      assert.deepEqual(kept, { planned: 1, added: 0, replanned: 0, requeued: 0, moved: 0, unchanged: { PENDING: 1 } });
      const moved = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }), { ...options, movePending: true });
      assert.deepEqual(moved, { planned: 1, added: 0, replanned: 0, requeued: 0, moved: 1, unchanged: {} });
      assert.deepEqual(
        (await store.listRuns({})).map((r) => [r.params.i, r.specVersion]),
        [[0, 2]],
      );
    });

    test('a PENDING run of another command keeps its version and its parameters are planned anew, unless it is moved', async (t) => {
      const store = await makeStore(t);
      const experiment = await experimentWithRuns(store, 2);
      await store.saveExperiment('exp', { name: 'exp', command: 'echo 2' }, T0 + 1);
      const added = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }), { now: T0 + 1, retries: 0 });
      assert.deepEqual(added, { planned: 1, added: 1, replanned: 1, requeued: 0, moved: 0, unchanged: {} });
      const moved = await store.enqueueRuns(experiment.id, newRuns({ i: 1 }), { now: T0 + 2, retries: 0, movePending: true });
      assert.deepEqual(moved, { planned: 1, added: 0, replanned: 0, requeued: 0, moved: 1, unchanged: {} });
      const runs = await store.listRuns({});
      assert.deepEqual(
        runs.map((r) => [r.params.i, r.specVersion, r.state]),
        [
          [0, 1, 'PENDING'],
          [1, 2, 'PENDING'],
          [0, 2, 'PENDING'],
        ],
      );
      assert.deepEqual(
        (await store.listRunEvents(runs[1]!.id)).map((e) => [e.fromState, e.toState, e.reason]),
        [
          [null, 'PENDING', 'enqueued'],
          ['PENDING', 'PENDING', 'moved to spec version 2'],
        ],
      );
    });

    test('a requeued run is planned with the new version', async (t) => {
      const store = await makeStore(t);
      const experiment = await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      await store.finishRun(leaseOf(run), { kind: 'failed', reason: 'error', error: 'boom' }, T0 + 1);
      await store.saveExperiment('exp', { name: 'exp', command: 'fixed' }, T0 + 2);
      const counts = await store.enqueueRuns(experiment.id, newRuns({ i: 0 }), { now: T0 + 2, retries: 0, requeueStates: ['FAILED'] });
      assert.equal(counts.requeued, 1);
      assert.deepEqual(
        (await store.listRuns({})).map((r) => [r.id, r.state, r.specVersion]),
        [[run.id, 'PENDING', 2]],
      );
    });

    test('claim leases runs in priority then insertion order, never the same run twice', async (t) => {
      const store = await makeStore(t);
      const experiment = await experimentWithRuns(store, 5);
      await store.enqueueRuns(experiment.id, newRuns({ urgent: true }), { now: T0, retries: 0, priority: 10 });
      const first = await store.claimRuns({ workerId: 'w1', limit: 2, now: T0, leaseExpiresAt: T0 + LEASE });
      const second = await store.claimRuns({ workerId: 'w2', limit: 10, now: T0, leaseExpiresAt: T0 + LEASE });
      assert.deepEqual(
        first.map((r) => r.params),
        [{ urgent: true }, { i: 0 }],
      );
      assert.deepEqual(
        second.map((r) => r.params.i),
        [1, 2, 3, 4],
      );
      assert.ok(first.every((r) => r.state === 'RUNNING' && r.attempt === 1 && r.leaseOwner === 'w1' && r.leaseExpiresAt === T0 + LEASE));
      assert.deepEqual(await store.claimRuns({ workerId: 'w3', limit: 1, now: T0, leaseExpiresAt: T0 + LEASE }), []);
    });

    test('claim can be limited to some experiments', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2, { name: 'a' });
      await experimentWithRuns(store, 2, { name: 'b' });
      const claimed = await store.claimRuns({ workerId: 'w', limit: 10, now: T0, leaseExpiresAt: T0 + LEASE, experiments: ['b'] });
      assert.deepEqual(
        claimed.map((r) => r.experiment),
        ['b', 'b'],
      );
    });

    test('claim can leave some experiments out, alone or within a selection', async (t) => {
      const store = await makeStore(t);
      for (const name of ['a', 'b', 'c']) await experimentWithRuns(store, 2, { name });
      const claim = (request: { experiments?: string[]; excludeExperiments?: string[] }) =>
        store.claimRuns({ workerId: 'w', limit: 2, now: T0, leaseExpiresAt: T0 + LEASE, ...request });
      assert.deepEqual(
        (await claim({ excludeExperiments: ['a'] })).map((r) => r.experiment),
        ['b', 'b'],
      );
      assert.deepEqual(
        (await claim({ experiments: ['a', 'c'], excludeExperiments: ['a'] })).map((r) => r.experiment),
        ['c', 'c'],
      );
      assert.deepEqual(await claim({ excludeExperiments: ['a', 'b', 'c'] }), []);
      assert.deepEqual(
        (await claim({ excludeExperiments: [] })).map((r) => r.experiment),
        ['a', 'a'],
      );
    });

    test('complete writes the result with the state change, once', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      assert.equal(await store.finishRun(leaseOf(run), { kind: 'completed', result: { acc: 0.9 }, exitCode: 0 }, T0 + 100), 'COMPLETED');
      const done = await store.getRun(run.id);
      assert.equal(done?.state, 'COMPLETED');
      assert.deepEqual(done?.result, { acc: 0.9 });
      assert.equal(done?.exitCode, 0);
      assert.equal(done?.finishedAt, T0 + 100);
      assert.equal(done?.leaseOwner, null);
      assert.equal(await store.finishRun(leaseOf(run), { kind: 'completed', result: { acc: 0.1 } }, T0 + 200), undefined);
      assert.deepEqual((await store.getRun(run.id))?.result, { acc: 0.9 });
    });

    test('an outcome from another worker or attempt is refused (fencing)', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      assert.equal(await store.finishRun({ ...leaseOf(run), workerId: 'intruder' }, { kind: 'completed', result: 1 }, T0), undefined);
      assert.equal(await store.finishRun({ ...leaseOf(run), attempt: 7 }, { kind: 'completed', result: 1 }, T0), undefined);
      assert.equal((await store.getRun(run.id))?.state, 'RUNNING');
    });

    test('a failure is retried while retries remain, then the run is FAILED with its error', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1, { retries: 1 });
      const attempt1 = await claimOne(store);
      assert.equal(
        await store.finishRun(
          leaseOf(attempt1),
          { kind: 'failed', reason: 'error', error: 'Traceback\nValueError: x', exitCode: 1 },
          T0 + 1,
        ),
        'PENDING',
      );
      const attempt2 = await claimOne(store, 'w1', T0 + 2);
      assert.equal(attempt2.attempt, 2);
      assert.equal(
        await store.finishRun(leaseOf(attempt2), { kind: 'failed', reason: 'timeout', error: 'killed after 10s' }, T0 + 3),
        'FAILED',
      );
      const failed = await store.getRun(attempt1.id);
      assert.equal(failed?.failures, 2);
      assert.equal(failed?.failureReason, 'timeout');
      assert.equal(failed?.error, 'killed after 10s');
      assert.equal(failed?.queuedAt, T0 + 1, 'queued when its retry was, not when it failed for good');
      assert.equal(failed?.finishedAt, T0 + 3);
      const reasons = (await store.listRunEvents(attempt1.id)).map((e) => `${e.fromState}>${e.toState}:${e.reason}`);
      assert.deepEqual(reasons, [
        'null>PENDING:enqueued',
        'PENDING>RUNNING:claimed',
        'RUNNING>PENDING:error: ValueError: x',
        'PENDING>RUNNING:claimed',
        'RUNNING>FAILED:timeout: killed after 10s',
      ]);
    });

    test('a released run goes back to PENDING without spending a retry', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      assert.equal(await store.finishRun(leaseOf(run), { kind: 'released', reason: 'interrupted' }, T0 + 1), 'PENDING');
      const back = await store.getRun(run.id);
      assert.equal(back?.failures, 0);
      assert.equal(back?.failureReason, 'interrupted');
    });

    test('a run released before it started gets its attempt number back', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      assert.equal(run.attempt, 1);
      assert.equal(await store.finishRun(leaseOf(run), { kind: 'released', reason: 'not started', notStarted: true }, T0 + 1), 'PENDING');
      const back = await store.getRun(run.id);
      assert.deepEqual([back?.state, back?.attempt, back?.failures, back?.startedAt], ['PENDING', 0, 0, null]);
      const again = await claimOne(store);
      assert.equal(again.attempt, 1, 'the next claim is its first attempt');
    });

    test('heartbeats extend held leases and report lost ones', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2);
      await store.registerWorker({ id: 'w1', host: 'h', pid: 1, startedAt: T0, info: {} });
      const [a, b] = await store.claimRuns({ workerId: 'w1', limit: 2, now: T0, leaseExpiresAt: T0 + LEASE });
      await store.cancelRuns({ ids: [b!.id] }, T0 + 1);
      assert.deepEqual(await store.renewLeases('w1', [a!.id, b!.id], T0 + 2 * LEASE, T0 + 10), [a!.id]);
      assert.equal((await store.getRun(a!.id))?.leaseExpiresAt, T0 + 2 * LEASE);
      assert.equal((await store.listWorkers())[0]?.heartbeatAt, T0 + 10);
      assert.deepEqual(await store.renewLeases('w2', [a!.id], T0 + 3 * LEASE, T0 + 10), []);
    });

    test('an expired lease puts the run back as "worker lost", and its late outcome is refused', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2);
      const lost = await claimOne(store, 'w1', T0);
      const alive = await claimOne(store, 'w2', T0 + LEASE);
      assert.deepEqual(await store.reapExpiredLeases(T0 + LEASE - 1, 3), []);
      const reaped = await store.reapExpiredLeases(T0 + LEASE + 1, 3);
      assert.deepEqual(reaped, [{ id: lost.id, state: 'PENDING', attempt: 1, workerId: 'w1' }]);
      const back = await store.getRun(lost.id);
      assert.equal(back?.state, 'PENDING');
      assert.equal(back?.failureReason, 'worker lost');
      assert.equal(back?.losses, 1);
      assert.equal(back?.failures, 0);
      assert.equal((await store.getRun(alive.id))?.state, 'RUNNING');
      assert.equal(await store.finishRun(leaseOf(lost), { kind: 'completed', result: 1 }, T0 + LEASE + 2), undefined);
    });

    test('a run that loses its worker too often is FAILED', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      let now = T0;
      const reapedAt: number[] = [];
      for (let loss = 1; loss <= 2; loss++) {
        await claimOne(store, `w${loss}`, now);
        now += LEASE + 1;
        reapedAt.push(now);
        assert.equal((await store.reapExpiredLeases(now, 2))[0]?.state, loss < 2 ? 'PENDING' : 'FAILED');
      }
      const run = (await store.listRuns({}))[0];
      assert.equal(run?.state, 'FAILED');
      assert.equal(run?.failureReason, 'worker lost');
      assert.match(run?.error ?? '', /worker w2 stopped sending heartbeats/);
      assert.equal(run?.queuedAt, reapedAt[0], 'queued when its first loss put it back, not when it failed for good');
      assert.equal(run?.finishedAt, reapedAt[1]);
    });

    test('runs claimed ahead get their start time when they begin; lost before it, they go back untouched', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 3);
      const [now, ahead, neverStarted] = await store.claimRuns({
        workerId: 'w1',
        limit: 3,
        now: T0,
        leaseExpiresAt: T0 + LEASE,
        startNow: 1,
      });
      assert.deepEqual([now?.startedAt, ahead?.startedAt, neverStarted?.startedAt], [T0, null, null]);
      assert.deepEqual(await store.beginRuns('w1', [now!.id, ahead!.id], T0 + 9), [now!.id, ahead!.id]);
      const finish = (run: RunRecord) => ({ lease: leaseOf(run), outcome: { kind: 'completed' as const, result: 1 } });
      await store.finishRuns([finish(now!), finish(ahead!)], T0 + 10);
      assert.deepEqual(
        [(await store.getRun(now!.id))?.startedAt, (await store.getRun(ahead!.id))?.startedAt],
        [T0, T0 + 9],
        'a run started at its claim keeps the claim time',
      );
      const reaped = await store.reapExpiredLeases(T0 + LEASE + 1, 1);
      assert.deepEqual(
        reaped,
        [{ id: neverStarted!.id, state: 'PENDING', attempt: 1, workerId: 'w1' }],
        'the attempt that was lost; not FAILED, although one loss is the limit',
      );
      const back = await store.getRun(neverStarted!.id);
      assert.deepEqual(
        [back?.attempt, back?.losses, back?.failures, back?.failureReason, back?.error, back?.startedAt],
        [0, 0, 0, null, null, null],
        'as it was before the claim',
      );
      assert.deepEqual(
        (await store.listRunEvents(neverStarted!.id)).slice(-1).map((e) => [e.fromState, e.toState, e.attempt, e.reason]),
        [['RUNNING', 'PENDING', 1, 'worker lost before starting it']],
      );
    });

    test('a run claimed ahead and begun counts its lost worker; one whose lease is gone does not begin', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 3);
      const [, begun, gone] = await store.claimRuns({ workerId: 'w1', limit: 3, now: T0, leaseExpiresAt: T0 + LEASE, startNow: 1 });
      await store.cancelRuns({ ids: [gone!.id] }, T0 + 1);
      assert.deepEqual(await store.beginRuns('w1', [begun!.id, gone!.id], T0 + 2), [begun!.id], 'a run whose lease is gone is not begun');
      assert.deepEqual(await store.beginRuns('w2', [begun!.id], T0 + 3), [], 'nor one another worker holds');
      assert.equal((await store.getRun(begun!.id))?.startedAt, T0 + 2);
      await assertReapedAsBegun(store, begun!.id, 'begun: its attempt number stays taken, and the lost worker counts');
    });

    test('a run claimed ahead that recorded something before its worker was lost counts the loss', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2);
      const [, ahead] = await store.claimRuns({ workerId: 'w1', limit: 2, now: T0, leaseExpiresAt: T0 + LEASE, startNow: 1 });
      await store.appendMetrics(ahead!.id, ahead!.attempt, [{ key: 'loss', step: 0, value: 1, at: T0 + 1 }]);
      await assertReapedAsBegun(store, ahead!.id, 'its attempt number stays taken: the points it logged belong to that attempt');
    });

    test('cancel stops pending and running runs and leaves finished ones', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 3);
      const done = await claimOne(store);
      await store.finishRun(leaseOf(done), { kind: 'completed', result: null }, T0);
      await claimOne(store);
      assert.equal(await store.cancelRuns({}, T0 + 1), 2);
      assert.deepEqual(
        (await store.listRuns({})).map((r) => r.state),
        ['COMPLETED', 'CANCELLED', 'CANCELLED'],
      );
      assert.equal(await store.cancelRuns({}, T0 + 2), 0);
    });

    test('reset by state touches only runs in those states', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 4);
      const [ok, bad, running] = await store.claimRuns({ workerId: 'w', limit: 3, now: T0, leaseExpiresAt: T0 + LEASE });
      await store.finishRun(leaseOf(ok!, 'w'), { kind: 'completed', result: 1 }, T0);
      await store.finishRun(leaseOf(bad!, 'w'), { kind: 'failed', reason: 'error', error: 'x' }, T0);
      const before = await store.listRuns({});
      assert.equal(await store.resetRuns({ states: ['FAILED'] }, T0 + 5), 1);
      const after = await store.listRuns({});
      assert.equal(after[1]?.state, 'PENDING');
      assert.equal(after[1]?.error, null);
      assert.deepEqual([after[0], after[2], after[3]], [before[0], before[2], before[3]]);
      assert.equal(running?.state, 'RUNNING');
    });

    test('reset of a running run takes its lease away', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      assert.equal(await store.resetRuns({ states: ['RUNNING'], ids: [run.id] }, T0 + 1), 1);
      assert.deepEqual(await store.renewLeases('w1', [run.id], T0 + LEASE, T0 + 2), []);
      assert.equal(await store.finishRun(leaseOf(run), { kind: 'completed', result: 1 }, T0 + 3), undefined);
    });

    test('reset and cancel can be limited to an experiment and to run ids', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2, { name: 'a' });
      await experimentWithRuns(store, 2, { name: 'b' });
      assert.equal(await store.cancelRuns({ experiments: ['a'] }, T0), 2);
      const b = await store.listRuns({ experiments: ['b'] });
      assert.equal(await store.cancelRuns({ ids: [b[0]!.id] }, T0), 1);
      assert.equal(await store.resetRuns({ states: ['CANCELLED'], experiments: ['a'] }, T0), 2);
      assert.deepEqual(
        (await store.countRuns({})).map((c) => [c.experiment, c.state, c.count]),
        [
          ['a', 'PENDING', 2],
          ['b', 'CANCELLED', 1],
          ['b', 'PENDING', 1],
        ],
      );
    });

    test('runs are listed with filters and pages, and found by hash prefix', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 5);
      assert.deepEqual(
        (await store.listRuns({}, { limit: 2, offset: 1 })).map((r) => r.params.i),
        [1, 2],
      );
      assert.deepEqual((await store.listRuns({ states: ['RUNNING'] })).length, 0);
      const hash = runHash({ i: 3 });
      assert.deepEqual(
        (await store.findRunsByHashPrefix(hash.slice(0, 8), 5)).map((r) => r.params.i),
        [3],
      );
      assert.equal(await store.getRun(9999), undefined);
    });

    test('workers are registered and marked stopped', async (t) => {
      const store = await makeStore(t);
      await store.registerWorker({ id: 'w1', host: 'node1', pid: 42, startedAt: T0, info: { slurm: null } });
      await store.stopWorker('w1', T0 + 9);
      assert.deepEqual(await store.listWorkers(), [
        { id: 'w1', host: 'node1', pid: 42, startedAt: T0, heartbeatAt: T0 + 9, stoppedAt: T0 + 9, info: { slurm: null } },
      ]);
    });

    test('the running workers are those not stopped, oldest first', async (t) => {
      const store = await makeStore(t);
      for (const [id, startedAt] of [
        ['w2', T0 + 2],
        ['w1', T0 + 1],
        ['w3', T0 + 3],
      ] as const) {
        await store.registerWorker({ id, host: 'node1', pid: 42, startedAt, info: {} });
      }
      await store.stopWorker('w1', T0 + 9);
      assert.deepEqual(
        (await store.listWorkers({ running: true })).map((worker) => worker.id),
        ['w2', 'w3'],
      );
      assert.deepEqual(
        (await store.listWorkers()).map((worker) => worker.id),
        ['w1', 'w2', 'w3'],
      );
    });

    test('a checkpoint is replaced by the next one and survives a retry', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1, { retries: 1 });
      const run = await claimOne(store);
      await store.saveCheckpoint(run.id, 1, { sha256: 'a'.repeat(64), size: 3 }, T0);
      await store.saveCheckpoint(run.id, 1, { sha256: 'b'.repeat(64), size: 4 }, T0 + 1);
      await store.finishRun(leaseOf(run), { kind: 'failed', reason: 'error', error: 'x' }, T0 + 2);
      assert.deepEqual(await store.getCheckpoint(run.id), {
        runId: run.id,
        attempt: 1,
        sha256: 'b'.repeat(64),
        size: 4,
        createdAt: T0 + 1,
      });
      assert.equal(await store.getCheckpoint(run.id + 1), undefined);
    });

    test('metrics are appended in order and summarised per key', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      await store.appendMetrics(run.id, 1, [
        { key: 'loss', step: 0, value: 2, at: T0 },
        { key: 'loss', step: 1, value: null, at: T0 + 1 },
        { key: 'val.acc', step: 1, value: 0.5, at: T0 + 1 },
      ]);
      await store.appendMetrics(run.id, 1, [
        { key: 'loss', step: 2, value: 0.5, at: T0 + 2 },
        { key: 'loss', step: 3, value: 1, at: T0 + 3 },
      ]);
      assert.deepEqual(
        (await store.readMetrics(run.id, 'loss')).map((p) => [p.step, p.value]),
        [
          [0, 2],
          [1, null],
          [2, 0.5],
          [3, 1],
        ],
      );
      assert.deepEqual(await store.readMetricColumns(run.id, 'loss'), {
        steps: [0, 1, 2, 3],
        values: [2, null, 0.5, 1],
        at: [T0, T0 + 1, T0 + 2, T0 + 3],
      });
      assert.deepEqual(await store.readMetricColumns(run.id, 'nope'), { steps: [], values: [], at: [] });
      assert.deepEqual(await store.listMetricSummaries(run.id), [
        { key: 'loss', attempt: 1, first: 2, last: 1, min: 0.5, max: 2, count: 4, lastStep: 3 },
        { key: 'val.acc', attempt: 1, first: 0.5, last: 0.5, min: 0.5, max: 0.5, count: 1, lastStep: 1 },
      ]);
    });

    test('the ordered ids of a selection are those of its pages, in their order', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 5);
      const run = await claimOne(store);
      await store.appendMetrics(run.id, 1, [{ key: 'acc', step: 0, value: 0.5, at: T0 }]);
      const sort = { key: parseKeyExpression('i'), descending: true };
      const page = await store.pageRuns({}, { sort, limit: 10, offset: 0 });
      assert.deepEqual(
        await store.orderedRunIds({}, sort),
        page.runs.map((r) => r.id),
      );
      assert.deepEqual(await store.orderedRunIds({}, sort), [5, 4, 3, 2, 1]);
      assert.deepEqual(await store.orderedRunIds({ states: ['PENDING'] }), [2, 3, 4, 5]);
      const byAcc = { key: parseKeyExpression('metrics.acc'), descending: false };
      assert.deepEqual(
        await store.orderedRunIds({}, byAcc),
        [run.id, ...[1, 2, 3, 4, 5].filter((id) => id !== run.id)],
        'runs without the key last',
      );
    });

    test('a new attempt starts its metric summaries afresh; late points of an old attempt are kept apart', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      await store.appendMetrics(run.id, 1, [{ key: 'loss', step: 0, value: 9, at: T0 }]);
      await store.appendMetrics(run.id, 2, [{ key: 'loss', step: 0, value: 3, at: T0 + 1 }]);
      await store.appendMetrics(run.id, 1, [{ key: 'loss', step: 1, value: 1, at: T0 + 2 }]);
      assert.deepEqual(await store.listMetricSummaries(run.id), [
        { key: 'loss', attempt: 2, first: 3, last: 3, min: 3, max: 3, count: 1, lastStep: 0 },
      ]);
      assert.deepEqual(
        (await store.readMetrics(run.id, 'loss')).map((p) => p.value),
        [3],
      );
      assert.deepEqual(
        (await store.readMetrics(run.id, 'loss', 1)).map((p) => p.value),
        [9, 1],
      );
      assert.deepEqual((await store.readMetricColumns(run.id, 'loss')).values, [3], 'the latest attempt that logged it');
    });

    test('artifacts are listed by name; a later one of the same name replaces it', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      const artifact = { runId: run.id, attempt: 1, mediaType: 'text/plain', sha256: 'c'.repeat(64), size: 1 };
      await store.addArtifact({ ...artifact, name: 'b.txt' }, T0);
      await store.addArtifact({ ...artifact, name: 'a.txt' }, T0);
      await store.addArtifact({ ...artifact, name: 'a.txt', sha256: 'd'.repeat(64), size: 2 }, T0 + 1);
      assert.deepEqual(
        (await store.listArtifacts(run.id)).map((a) => [a.name, a.sha256[0], a.size]),
        [
          ['a.txt', 'd', 2],
          ['b.txt', 'c', 1],
        ],
      );
    });

    test('environments are kept per attempt', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 1);
      const run = await claimOne(store);
      await store.saveEnvironment(run.id, 1, { host: 'a' });
      await store.saveEnvironment(run.id, 2, { host: 'b' });
      assert.deepEqual(await store.getEnvironment(run.id), { host: 'b' });
      assert.deepEqual(await store.getEnvironment(run.id, 1), { host: 'a' });
      assert.equal(await store.getEnvironment(run.id + 1), undefined);
    });

    test('an outcome stores its environment in the same transaction, and neither when the lease is gone', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2);
      const [kept, lost] = await store.claimRuns({ workerId: 'w', limit: 2, now: T0, leaseExpiresAt: T0 + LEASE });
      const environment = { host: 'h', python: { packages: ['numpy==2.0.0'] }, seed: 1 };
      const states = await store.finishRuns(
        [
          { lease: leaseOf(kept!, 'w'), outcome: { kind: 'completed', result: 1 }, environment },
          { lease: { ...leaseOf(lost!, 'w'), workerId: 'intruder' }, outcome: { kind: 'failed', reason: 'x', error: 'y' }, environment },
        ],
        T0 + 1,
      );
      assert.deepEqual(states, ['COMPLETED', undefined]);
      assert.deepEqual(await store.getEnvironment(kept!.id, 1), environment);
      assert.equal(await store.getEnvironment(lost!.id), undefined);
    });

    test('a batch of completions is fenced run by run, with its results, exit codes, events and environments', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 4);
      const runs = await store.claimRuns({ workerId: 'w', limit: 4, now: T0, leaseExpiresAt: T0 + LEASE });
      const results: JsonValue[] = [{ a: [1, 2.5], b: 'x"y' }, 'text', null, 7];
      const states = await store.finishRuns(
        runs.map((run, i) => ({
          lease: i === 2 ? { ...leaseOf(run, 'w'), attempt: run.attempt + 1 } : leaseOf(run, 'w'),
          outcome: { kind: 'completed', result: results[i] ?? null, ...(i === 1 && { exitCode: 0 }) },
          environment: onSharedBase({ host: 'h' }, { seed: i }),
        })),
        T0 + 1,
      );
      assert.deepEqual(states, ['COMPLETED', 'COMPLETED', undefined, 'COMPLETED']);
      for (const [i, run] of runs.entries()) {
        const stored = await store.getRun(run.id);
        if (i === 2) {
          assert.equal(stored?.state, 'RUNNING', "a lease that is not the run's own changes nothing");
          assert.equal(await store.getEnvironment(run.id), undefined);
          continue;
        }
        assert.equal(stored?.state, 'COMPLETED');
        assert.deepEqual(stored?.result, results[i]);
        assert.equal(stored?.exitCode, i === 1 ? 0 : null);
        assert.equal(stored?.leaseOwner, null);
        assert.deepEqual(await store.getEnvironment(run.id), { host: 'h', seed: i });
        const events = (await store.listRunEvents(run.id)).map((e) => [e.fromState, e.toState, e.attempt, e.workerId, e.reason]);
        assert.deepEqual(events.slice(-2), [
          ['PENDING', 'RUNNING', run.attempt, 'w', 'claimed'],
          ['RUNNING', 'COMPLETED', run.attempt, 'w', 'completed'],
        ]);
      }
    });

    test('large parts of environments (package lists, git diffs) read back whole', async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2);
      const [a, b] = await store.claimRuns({ workerId: 'w', limit: 2, now: T0, leaseExpiresAt: T0 + LEASE });
      const packages = Array.from({ length: 300 }, (_, i) => `package-${i}==1.${i}`);
      const environment = { host: 'h', git: { dirty: true, diff: 'x'.repeat(5_000) }, python: { packages }, seed: null };
      await store.saveEnvironment(a!.id, 1, environment);
      await store.saveEnvironment(b!.id, 1, { ...environment, host: 'other' });
      assert.deepEqual(await store.getEnvironment(a!.id), environment);
      assert.deepEqual(await store.getEnvironment(b!.id), { ...environment, host: 'other' });
    });

    test("environments on a worker's shared base, large parts inside it, read back whole in their key order", async (t) => {
      const store = await makeStore(t);
      await experimentWithRuns(store, 2);
      const runs = await store.claimRuns({ workerId: 'w', limit: 2, now: T0, leaseExpiresAt: T0 + LEASE });
      const packages = Array.from({ length: 300 }, (_, i) => `package-${i}==1.${i}`);
      const base = { host: 'h', git: { dirty: true, diff: 'x'.repeat(5_000) }, python: { packages }, seed: null };
      const states = await store.finishRuns(
        runs.map((run, i) => ({
          lease: leaseOf(run, 'w'),
          outcome: { kind: 'completed', result: i },
          environment: onSharedBase(base, { seed: i }),
        })),
        T0 + 1,
      );
      assert.deepEqual(states, ['COMPLETED', 'COMPLETED']);
      for (const [i, run] of runs.entries()) {
        assert.equal(JSON.stringify(await store.getEnvironment(run.id)), JSON.stringify({ ...base, seed: i }));
      }
    });
  });
}
