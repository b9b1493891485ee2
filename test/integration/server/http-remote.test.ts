import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, startApi, startRemoteRun } from '../../helpers/http-api.js';

const TOKEN = 'full-token-0123456789abcdef';

test('a remote run records its points, log and result over HTTP and completes; a second one fails with its error', async (t) => {
  const { url, store } = await startApi(t, { token: TOKEN, seed: false });
  const started = await api(`${url}/api/remote/runs`, { body: { experiment: 'far', params: { lr: 0.1 } }, token: TOKEN });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const { run, attempt, key } = started.body;
  assert.equal(attempt, 1);
  assert.equal((await store.getRun(run))?.state, 'RUNNING');
  const messages = (body: unknown) => api(`${url}/api/remote/runs/${run}/messages`, { body, token: TOKEN });
  // Points as the Python client buffers them: [key, step, value, time in ms].
  const points = Array.from({ length: 500 }, (_, step) => ['loss', step, 1 / (step + 1), 1_765_000_000_000 + step]);
  assert.equal((await messages({ key, messages: [{ type: 'metrics', points }] })).status, 200);
  assert.equal((await messages({ key, messages: [] })).status, 200, 'a heartbeat');
  const rest = [{ type: 'log', message: 'epoch done', level: 'info' }, { type: 'result', value: { accuracy: 0.93 } }, { type: 'flush' }];
  assert.equal((await messages({ key, messages: rest })).status, 200);
  const finished = await api(`${url}/api/remote/runs/${run}/finish`, { body: { key }, token: TOKEN });
  assert.equal(finished.body, 'COMPLETED');
  const stored = await store.getRun(run);
  assert.equal(stored?.experiment, 'far');
  assert.deepEqual(stored?.params, { lr: 0.1 });
  assert.deepEqual(stored?.result, { accuracy: 0.93 });
  const loss = await store.readMetrics(run, 'loss');
  assert.equal(loss.length, 500);
  assert.deepEqual(loss[499], { step: 499, value: 1 / 500, at: 1_765_000_000_499, key: 'loss' });
  assert.equal((await messages({ key, messages: [] })).status, 400, 'a finished run takes nothing more');

  const failing = await startRemoteRun(url, TOKEN);
  const failed = await api(`${url}/api/remote/runs/${failing.id}/finish`, {
    body: { key: failing.key, error: 'ValueError: diverged' },
    token: TOKEN,
  });
  assert.equal(failed.body, 'FAILED');
  assert.equal((await store.getRun(failing.id))?.error, 'ValueError: diverged');
});

test('a remote run is refused another key, files of the engine machine, and a run busy elsewhere', async (t) => {
  const { url, store } = await startApi(t, { seed: false });
  const { id, key } = await startRemoteRun(url);
  const wrongKey = await api(`${url}/api/remote/runs/${id}/messages`, { body: { key: 'not-the-key', messages: [] } });
  assert.equal(wrongKey.status, 400);
  assert.match(wrongKey.body.error.message, /not started with this key/);
  for (const message of [
    { type: 'artifact', name: 'passwd', path: '/etc/passwd' },
    { type: 'checkpoint', path: '/etc/hostname' },
    { type: 'restore' },
  ]) {
    const refused = await api(`${url}/api/remote/runs/${id}/messages`, { body: { key, messages: [message] } });
    assert.equal(refused.status, 400, message.type);
    assert.match(refused.body.error.message, /cannot come over HTTP; a remote run sends metrics, result, log, flush/);
  }
  assert.deepEqual(await store.listArtifacts(id), [], 'no file of this machine became an artifact');
  const busy = await api(`${url}/api/remote/runs`, { body: { experiment: 'remote', params: (await store.getRun(id))?.params } });
  assert.equal(busy.status, 409);
  assert.equal(busy.body.error.code, 'LB_RUN_BUSY');
});

test('points and heartbeats go past the limit of 60 writes a minute that cancel and reset have', async (t) => {
  const { url } = await startApi(t, { seed: false });
  const { id, key } = await startRemoteRun(url);
  const statuses = new Set<number>();
  for (let i = 0; i < 120; i++) {
    const body = { key, messages: [{ type: 'metrics', points: [['x', i, i, 1_765_000_000_000]] }] };
    statuses.add((await api(`${url}/api/remote/runs/${id}/messages`, { body })).status);
  }
  assert.deepEqual([...statuses], [200]);
});
