import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, startApi, XSS } from '../../helpers/http-api.js';

test('studies are listed, and one comes with its trials, its best trial and its Pareto front', async (t) => {
  const { url } = await startApi(t);
  const { body: studies } = await api(`${url}/api/studies`);
  assert.deepEqual(
    studies.map((study: { name: string }) => study.name),
    ['quad', 'tradeoff', XSS],
  );
  const { body: quad } = await api(`${url}/api/studies/quad`);
  assert.deepEqual(quad.directions, ['minimize']);
  assert.deepEqual(
    quad.trials.map((trial: { state: string; values?: number[] }) => [trial.state, trial.values?.[0] ?? null]),
    [
      ['COMPLETE', 0.5],
      ['COMPLETE', 0.7],
      ['COMPLETE', 0.2],
      ['FAILED', null],
      ['COMPLETE', 0.3],
      ['COMPLETE', 0.1],
    ],
  );
  assert.equal(quad.best, 5);
  const { body: tradeoff } = await api(`${url}/api/studies/tradeoff`);
  assert.equal(tradeoff.best, undefined, 'two objectives have no single best');
  // (latency ↓, accuracy ↑): (10, 0.8), (20, 0.9), (5, 0.7) dominate nothing of each other; (30, 0.85) is dominated by (20, 0.9).
  assert.deepEqual(tradeoff.pareto, [0, 1, 3]);
  const named = await api(`${url}/api/studies/${encodeURIComponent(XSS)}`);
  assert.equal(named.body.name, XSS, 'the name comes back as data, in JSON');
  assert.match(named.headers.get('content-type') ?? '', /^application\/json/);
  const missing = await api(`${url}/api/studies/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'LB_STUDY_NOT_FOUND');
});

test("an entity's lineage is walked upstream to its datasets, or downstream, to a depth", async (t) => {
  const { url } = await startApi(t);
  const labels = (graph: { nodes: Array<{ kind: string; name: string }> }) => graph.nodes.map((n) => `${n.kind}:${n.name}`).sort();
  const { body: up } = await api(`${url}/api/lineage/evaluation:svc-on-test`);
  assert.equal(up.direction, 'upstream');
  assert.deepEqual(labels(up), ['dataset:digits-test', 'dataset:digits-train', 'evaluation:svc-on-test', 'model:svc']);
  assert.equal(up.edges.length, 3);
  const { body: near } = await api(`${url}/api/lineage/evaluation:svc-on-test?depth=1`);
  assert.deepEqual(labels(near), ['dataset:digits-test', 'evaluation:svc-on-test', 'model:svc']);
  // The dashboard sends the reference encoded, as any client should.
  const { body: down } = await api(`${url}/api/lineage/${encodeURIComponent('dataset:digits-train')}?direction=downstream&depth=1`);
  assert.deepEqual(labels(down), ['dataset:digits-train', `model:${XSS}`, 'model:svc']);
  const missing = await api(`${url}/api/lineage/dataset:nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'LB_ENTITY_NOT_FOUND');
  const bad = await api(`${url}/api/lineage/dataset:digits-train?direction=sideways`);
  assert.equal(bad.status, 400);
  const { body: datasets } = await api(`${url}/api/entities?${new URLSearchParams({ filter: 'kind=dataset' })}`);
  assert.deepEqual(
    datasets.map((d: { name: string }) => d.name),
    ['digits-train', 'digits-test', 'digits-other'],
  );
});

test('a leaderboard ranks the comparable results and lists the others with their reason', async (t) => {
  const { url } = await startApi(t);
  const { body: board } = await api(`${url}/api/leaderboard?${new URLSearchParams({ filter: 'task=digits metric=accuracy' })}`);
  assert.match(board.on, /digits-test/);
  assert.deepEqual(
    board.ranked.map((r: { rank: number; model: { name: string }; value: number }) => [r.rank, r.model.name, r.value]),
    [
      [1, XSS, 0.95],
      [2, 'svc', 0.9],
    ],
  );
  assert.equal(board.incomparable.length, 1);
  assert.equal(board.incomparable[0].value, 0.99);
  assert.match(board.incomparable[0].reason, /digits-other|data/);
  const onOther = await api(`${url}/api/leaderboard?${new URLSearchParams({ filter: 'task=digits', dataset: 'dataset:digits-other' })}`);
  assert.deepEqual(
    onOther.body.ranked.map((r: { value: number }) => r.value),
    [0.99],
  );
  const badFilter = await api(`${url}/api/leaderboard?${new URLSearchParams({ filter: 'colour=red' })}`);
  assert.equal(badFilter.status, 400);
  const missing = await api(`${url}/api/leaderboard?${new URLSearchParams({ dataset: 'dataset:nope' })}`);
  assert.equal(missing.status, 404);
});
