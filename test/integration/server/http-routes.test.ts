import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_ROUTES } from '../../../src/server/routes.js';
import { API_EXAMPLES, api, exampleRequest, startApi, XSS } from '../../helpers/http-api.js';

test('every route of the API answers its example request', async (t) => {
  const { url } = await startApi(t);
  assert.deepEqual(Object.keys(API_EXAMPLES).sort(), API_ROUTES.map((route) => route.handler).sort());
  for (const example of Object.values(API_EXAMPLES)) {
    const { path, body } = await exampleRequest(url, example);
    const answer = await api(`${url}${path}`, { body });
    assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
  }
});

test('experiments come with their runs counted by state, and a spec with its secrets masked', async (t) => {
  const { url } = await startApi(t);
  const { body: experiments } = await api(`${url}/api/experiments`);
  const cv = experiments.find((e: { name: string }) => e.name === 'cv');
  assert.deepEqual(cv.counts, { PENDING: 1, RUNNING: 0, COMPLETED: 2, FAILED: 1, CANCELLED: 0, total: 4 });
  const { body: detail, headers } = await api(`${url}/api/experiments/cv`);
  assert.match(headers.get('content-type') ?? '', /^application\/json/);
  const text = JSON.stringify(detail.spec);
  assert.doesNotMatch(text, /SECRETPATH|hunter2|alice/);
  assert.deepEqual(detail.spec.notify, [
    { webhook: 'https://hooks.slack.com/…' },
    { email: { to: ['me@lab.org'], smtp: 'smtp://…@mail.lab.org:587' } },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a spec's reference to an environment variable
    { webhook: '${env:SLACK_HOOK}' },
  ]);
  const missing = await api(`${url}/api/experiments/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'LB_EXPERIMENT_NOT_FOUND');
});

test('runs are paged, sorted by any key and filtered by a query, with the total and metric summaries', async (t) => {
  const { url } = await startApi(t);
  const byLr = await api(`${url}/api/runs?experiments=cv&sort=lr&descending=true&limit=2&offset=1`);
  assert.equal(byLr.body.total, 4);
  assert.deepEqual(
    byLr.body.runs.map((run: { params: { lr: number } }) => run.params.lr),
    [0.5, 0.1],
  );
  const filtered = await api(`${url}/api/runs?${new URLSearchParams({ query: 'model == "svc" & metrics.acc > 0.85' })}`);
  assert.equal(filtered.body.total, 1);
  assert.equal(filtered.body.runs[0].params.lr, 0.1);
  assert.equal(filtered.body.runs[0].metrics.acc.last, 0.9);
  const bySummary = await api(`${url}/api/runs?sort=metrics.acc&states=COMPLETED&experiments=cv`);
  assert.deepEqual(
    bySummary.body.runs.map((run: { id: number }) => run.id),
    [2, 1],
  );
  const states = await api(`${url}/api/runs?states=FAILED&states=PENDING&experiments=cv`);
  assert.equal(states.body.total, 2);
});

test('a query with a syntax error is refused with its code, its caret and its column', async (t) => {
  const { url } = await startApi(t);
  const { status, body } = await api(`${url}/api/runs?${new URLSearchParams({ query: 'lr < ' })}`);
  assert.equal(status, 400);
  assert.equal(body.error.code, 'LB_QUERY_SYNTAX');
  assert.equal(body.error.column, 6);
  assert.match(body.error.message, /\n {2}lr < \n {7}\^/);
  const unknown = await api(`${url}/api/runs?${new URLSearchParams({ query: 'lrr < 1' })}`);
  assert.equal(unknown.body.error.code, 'LB_QUERY_UNKNOWN_KEY');
  const badSort = await api(`${url}/api/runs?sort=nokey`);
  assert.equal(badSort.body.error.code, 'LB_QUERY_UNKNOWN_KEY');
});

test('malformed params are refused with the field named, before any handler runs', async (t) => {
  const { url } = await startApi(t);
  for (const path of ['/api/runs?limit=5000', '/api/runs?limit=ten', '/api/runs?states=DONE', '/api/runs?color=red', '/api/runs/abc']) {
    const { status, body } = await api(`${url}${path}`);
    assert.equal(status, 400, path);
    assert.equal(body.error.code, 'LB_PROTOCOL_BAD_REQUEST', path);
  }
  const { body } = await api(`${url}/api/runs?limit=5000`);
  assert.match(body.error.message, /limit must be <= 1000/);
  const unknownRoute = await api(`${url}/api/nothing`);
  assert.equal(unknownRoute.status, 404);
  assert.equal(unknownRoute.body.error.code, 'LB_HTTP_NOT_FOUND');
});

test('run detail has history, metric summaries, artifacts and environment; compare lines two runs up', async (t) => {
  const { url } = await startApi(t);
  const { body } = await api(`${url}/api/runs/1`);
  assert.equal(body.run.state, 'COMPLETED');
  assert.deepEqual(
    body.events.map((e: { toState: string }) => e.toState),
    ['PENDING', 'RUNNING', 'COMPLETED'],
  );
  assert.deepEqual(
    body.metrics.map((m: { key: string }) => m.key),
    ['acc', 'val.loss'],
  );
  assert.equal(body.artifacts[0].name, 'predictions.csv');
  assert.equal(body.environment.host, 'lab-1');
  assert.equal((await api(`${url}/api/runs/99`)).status, 404);
  const compare = await api(`${url}/api/compare?a=1&b=2`);
  const lr = compare.body.params.find((d: { key: string }) => d.key === 'lr');
  assert.deepEqual(lr, { key: 'lr', a: 0.1, b: 0.01, same: false });
  const python = compare.body.environment.find((d: { key: string }) => d.key === 'python.version');
  assert.deepEqual(python, { key: 'python.version', a: '3.11.2', b: '3.12.1', same: false });
});

test('a long series is downsampled with M4, keeping its ends and its spikes', async (t) => {
  const { url } = await startApi(t);
  const { body } = await api(`${url}/api/runs/1/series?key=val.loss&maxPoints=200`);
  assert.equal(body.total, 5000);
  assert.equal(body.downsampled, true);
  assert.ok(body.points.length <= 200 && body.points.length >= 100, `${body.points.length} points: 2 to 4 a bucket`);
  assert.equal(body.points[0].step, 0);
  assert.equal(body.points.at(-1).step, 4999);
  const spikes = body.points.filter((p: { step: number }) => p.step % 97 === 0).map((p: { step: number }) => Math.floor(p.step / 100));
  assert.equal(new Set(spikes).size, 50, 'every bucket of 100 steps draws its spike (one every 97 steps), its highest point');
  const whole = await api(`${url}/api/runs/2/series?key=val.loss`);
  assert.equal(whole.body.downsampled, false);
  assert.equal(whole.body.points.length, 10);
  const unknown = await api(`${url}/api/runs/1/series?key=val.los`);
  assert.equal(unknown.body.error.code, 'LB_METRIC_NOT_FOUND');
  assert.match(unknown.body.error.message, /val\.loss/);
});

test('an artifact downloads with its media type; HTML ones are attachments, sandboxed', async (t) => {
  const { url } = await startApi(t);
  const csv = await fetch(`${url}/api/runs/1/artifacts/predictions.csv`);
  assert.equal(csv.headers.get('content-type'), 'text/csv');
  assert.equal(await csv.text(), 'fold,accuracy\n0,0.9\n');
  const html = await fetch(`${url}/api/runs/5/artifacts/${encodeURIComponent(`${XSS}.html`)}`);
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(html.headers.get('content-disposition') ?? '', /^attachment/);
  assert.match(html.headers.get('content-security-policy') ?? '', /^sandbox/);
  assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
});

test('cancel and reset change the runs selected, and refuse to act on everything unasked', async (t) => {
  const { url, store } = await startApi(t);
  assert.deepEqual((await api(`${url}/api/runs/cancel`, { body: { ids: [4] } })).body, { cancelled: 1 });
  assert.equal((await store.getRun(4))?.state, 'CANCELLED');
  assert.deepEqual((await api(`${url}/api/runs/reset`, { body: { ids: [4] } })).body, { reset: 1 });
  assert.equal((await store.getRun(4))?.state, 'PENDING');
  const everything = await api(`${url}/api/runs/cancel`, { body: {} });
  assert.equal(everything.status, 400);
  assert.equal(everything.body.error.code, 'LB_USAGE');
  assert.equal((await store.getRun(4))?.state, 'PENDING');
});

test('a log is read from its tail, then followed from an offset', async (t) => {
  const { url, store } = await startApi(t);
  const { mkdirSync, appendFileSync } = await import('node:fs');
  const { runDirectoryOf } = await import('../../../src/track/store-objects.js');
  const dir = runDirectoryOf(store, 1);
  mkdirSync(dir, { recursive: true });
  appendFileSync(`${dir}/stdout.log`, `${'x'.repeat(100)}\nline two\n`);
  const tail = await api(`${url}/api/runs/1/logs?stream=stdout&maxBytes=20`);
  assert.equal(tail.body.text, 'line two\n');
  appendFileSync(`${dir}/stdout.log`, 'line three\n');
  const next = await api(`${url}/api/runs/1/logs?stream=stdout&offset=${tail.body.end}`);
  assert.equal(next.body.text, 'line three\n');
  const none = await api(`${url}/api/runs/2/logs?stream=stderr`);
  assert.deepEqual(none.body, { stream: 'stderr', start: 0, end: 0, size: 0, text: '' });
});

test('/api/openapi.json describes every route with the schema it validates with', async (t) => {
  const { url } = await startApi(t, { seed: false });
  const { body } = await api(`${url}/api/openapi.json`);
  assert.equal(body.openapi, '3.1.0');
  const operations = Object.values(body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) =>
    Object.values(p).map((op) => op.operationId),
  );
  assert.deepEqual(operations.sort(), [...API_ROUTES.map((r) => r.handler), 'events'].sort());
  const limit = body.paths['/api/runs'].get.parameters.find((p: { name: string }) => p.name === 'limit');
  assert.deepEqual(limit.schema, { type: 'integer', exclusiveMinimum: 0, maximum: 1000, default: 100 });
  assert.equal(body.paths['/api/runs/{id}/artifacts/{name}'].get.parameters[1].name, 'name');
});
