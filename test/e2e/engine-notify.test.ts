import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { processEnv, project } from '../helpers/project.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/** A webhook receiver on 127.0.0.1 that keeps every JSON body posted to it. */
async function webhookServer(t: TestContext): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(text) });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

test('labbook run --notify webhook posts a failed run and the finished sweep to a local server', async (t) => {
  const hook = await webhookServer(t);
  const dir = await project(
    t,
    `name: notified
parameters:
  x: [1, 2, 3]
command: [sh, -c, 'if [ {x} -eq 2 ]; then python3 -c "raise ValueError(\\"diverged\\")"; fi']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '1', '--notify', `webhook=${hook.url}`], { env: processEnv() });
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, /warning/, 'the deliveries succeeded');

  const events = hook.received.map((r) => r.body.event);
  assert.deepEqual(events, ['failed', 'finished'], 'all deliveries are done when labbook run exits');
  for (const r of hook.received) {
    assert.equal(r.path, '/hook');
    assert.match(r.contentType ?? '', /^application\/json/);
  }
  const [failed, finished] = hook.received.map((r) => r.body) as [Record<string, unknown>, Record<string, unknown>];
  assert.equal(failed.experiment, 'notified');
  assert.match(String(failed.text), /notified: run 2 failed \(attempt 1, exit status 1\): ValueError: diverged/);
  assert.deepEqual((failed.run as { id: number; params: unknown }).id, 2);
  assert.deepEqual((failed.run as { params: unknown }).params, { x: 2 });

  assert.equal(finished.interrupted, false);
  assert.deepEqual(finished.counts, { PENDING: 0, RUNNING: 0, COMPLETED: 2, FAILED: 1, CANCELLED: 0 });
  assert.deepEqual(
    (finished.failures as Array<{ id: number }>).map((f) => f.id),
    [2],
  );
  assert.match(String(finished.text), /notified finished — 2 completed, 1 failed/);
  assert.match(String(finished.text), /run 2.*ValueError: diverged/, 'a traceback is summed up by its exception');
});

/** A port on 127.0.0.1 nothing listens on (it did a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a spec notify: section is used when there is no --notify, and an unreachable hook only warns', async (t) => {
  const hook = await webhookServer(t);
  const port = await closedPort();
  const dir = await project(
    t,
    `name: spec-notified
parameters:
  x: [1]
command: [sh, -c, 'exit 0']
notify:
  - webhook: ${hook.url}
  - webhook: http://127.0.0.1:${port}/unreachable
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml'], { env: processEnv() });
  assert.equal(run.code, 0, 'a failing channel does not fail the sweep');
  assert.match(run.stderr, /warning: notify: webhook http:\/\/127\.0\.0\.1:\d+\/… failed: .*ECONNREFUSED/);
  assert.deepEqual(
    hook.received.map((r) => [r.body.event, r.body.counts]),
    [['finished', { PENDING: 0, RUNNING: 0, COMPLETED: 1, FAILED: 0, CANCELLED: 0 }]],
  );
});
