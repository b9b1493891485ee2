import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { API_EXAMPLES, api, exampleRequest, startApi, XSS } from '../../helpers/http-api.js';

const TOKEN = 'full-token-0123456789abcdef';
const READ_ONLY = 'read-only-0123456789abcdef';
const WRITES = new Set(['cancelRuns', 'resetRuns', 'testNotification', 'remoteStartRun', 'remoteRunMessages', 'remoteFinishRun']);

/** A raw request, so that paths reach the server exactly as written (fetch would normalise `..`). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

test('with a token, every route refuses a request without it, or with another, and serves one with it', async (t) => {
  const { url } = await startApi(t, { token: TOKEN });
  for (const [handler, example] of Object.entries(API_EXAMPLES)) {
    const { path, body } = example;
    const none = await api(`${url}${path}`, { body });
    assert.equal(none.status, 401, `${handler} without a token`);
    assert.equal(none.body.error.code, 'LB_HTTP_UNAUTHORIZED');
    assert.equal((await api(`${url}${path}`, { body, token: 'wrong-token-0123456789abcdef' })).status, 401, `${handler}, wrong token`);
    const good = await exampleRequest(url, example, TOKEN);
    const answer = await api(`${url}${good.path}`, { body: good.body, token: TOKEN });
    assert.equal(answer.status, 200, `${handler} with the token: ${JSON.stringify(answer.body)}`);
  }
  for (const path of ['/', '/api/openapi.json', '/api/events']) {
    assert.equal((await api(`${url}${path}`)).status, 401, path);
  }
});

test('a read-only token reads every route and is refused every write', async (t) => {
  const { url, store } = await startApi(t, { token: TOKEN, readOnlyToken: READ_ONLY });
  for (const [handler, { path, body }] of Object.entries(API_EXAMPLES)) {
    const answer = await api(`${url}${path}`, { body, token: READ_ONLY });
    if (WRITES.has(handler)) {
      assert.equal(answer.status, 403, handler);
      assert.equal(answer.body.error.code, 'LB_HTTP_FORBIDDEN');
    } else {
      assert.equal(answer.status, 200, `${handler}: ${JSON.stringify(answer.body)}`);
    }
  }
  assert.equal((await store.getRun(4))?.state, 'PENDING', 'the refused cancel changed nothing');
});

test('the dashboard URL with ?token= sets an HttpOnly cookie that then opens the API', async (t) => {
  const { url } = await startApi(t, { token: TOKEN });
  const first = await fetch(`${url}/?token=${TOKEN}`, { redirect: 'manual' });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/');
  const cookie = first.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const withCookie = await api(`${url}/api/experiments`, { headers: { cookie: cookie.split(';')[0] as string } });
  assert.equal(withCookie.status, 200);
  assert.equal((await fetch(`${url}/?token=nope-nope-nope-nope-nope`, { redirect: 'manual' })).status, 401);
});

test('binding beyond loopback without a token makes one; a short token is refused', async (t) => {
  const { serving, url } = await startApi(t, { host: '0.0.0.0', seed: false });
  assert.equal(serving.generated, true);
  assert.ok((serving.token ?? '').length >= 32);
  assert.equal((await api(`${url}/api/experiments`)).status, 401);
  assert.equal((await api(`${url}/api/experiments`, { token: serving.token as string })).status, 200);
  await assert.rejects(startApi(t, { token: 'short', seed: false }), /at least 16 printable characters/);
});

test('without a token, loopback answers only requests for a loopback host name (no DNS rebinding)', async (t) => {
  const { serving } = await startApi(t, { seed: false });
  assert.equal((await rawGet(serving.port, '/api/experiments', { host: `localhost:${serving.port}` })).status, 200);
  const rebound = await rawGet(serving.port, '/api/experiments', { host: 'evil.example:80' });
  assert.equal(rebound.status, 403);
  assert.match(rebound.body, /LB_HTTP_FORBIDDEN/);
});

test('artifact paths never leave the object store', async (t) => {
  const { serving } = await startApi(t);
  for (const path of [
    '/api/runs/1/artifacts/../../../../../../etc/passwd',
    '/api/runs/1/artifacts/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/api/runs/1/artifacts/%2e%2e/%2e%2e/labbook.db',
    '/api/runs/1/artifacts//etc/passwd',
    '/api/runs/1/artifacts/predictions.csv%00.png',
    '/api/runs/1/artifacts/..\\..\\labbook.db',
  ]) {
    const { status, body } = await rawGet(serving.port, path);
    assert.ok(status === 404 || status === 400, `${path}: ${status}`);
    assert.doesNotMatch(body, /root:|SQLite format/, path);
  }
});

test('HTML in names, parameters and errors comes back as JSON text, never as a page', async (t) => {
  const { url } = await startApi(t);
  const { body, headers } = await api(`${url}/api/runs?${new URLSearchParams({ experiments: XSS })}`);
  assert.match(headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(headers.get('x-content-type-options'), 'nosniff');
  assert.match(headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.equal(body.runs[0].params.note, XSS);
  assert.equal(body.runs[0].error, XSS);
  const notFound = await api(`${url}/api/experiments/${encodeURIComponent(XSS)}`);
  assert.match(notFound.headers.get('content-type') ?? '', /^application\/json/);
});

test('an oversized or non-JSON body is refused before any handler runs', async (t) => {
  const { url, store } = await startApi(t);
  const big = await api(`${url}/api/runs/cancel`, { body: { ids: [4], query: `id == 4 ${'| id == 4 '.repeat(10_000)}` } });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'LB_HTTP_LIMIT');
  const form = await api(`${url}/api/runs/cancel`, { body: 'ids=4', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.status, 415);
  const broken = await api(`${url}/api/runs/cancel`, { body: '{"ids": [4' });
  assert.equal(broken.status, 400);
  assert.equal((await store.getRun(4))?.state, 'PENDING');
});

test('writes are rate-limited per client; reads are not', async (t) => {
  const { url } = await startApi(t);
  const statuses: number[] = [];
  for (let i = 0; i < 61; i++) statuses.push((await api(`${url}/api/runs/reset`, { body: { ids: [1], states: ['FAILED'] } })).status);
  assert.deepEqual(statuses.slice(0, 60), Array(60).fill(200));
  const limited = await api(`${url}/api/runs/reset`, { body: { ids: [1], states: ['FAILED'] } });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, 'LB_HTTP_LIMIT');
  assert.equal((await api(`${url}/api/experiments`)).status, 200);
});

test('CORS stays closed: no Access-Control headers, preflights refused, other sites may not write', async (t) => {
  const { url, store } = await startApi(t);
  const read = await fetch(`${url}/api/experiments`, { headers: { origin: 'https://evil.example' } });
  assert.equal(read.headers.get('access-control-allow-origin'), null);
  const preflight = await fetch(`${url}/api/runs/cancel`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  assert.ok(preflight.status >= 400);
  const write = await api(`${url}/api/runs/cancel`, { body: { ids: [4] }, headers: { origin: 'https://evil.example' } });
  assert.equal(write.status, 403);
  assert.equal((await store.getRun(4))?.state, 'PENDING');
});
