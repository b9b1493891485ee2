import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { RunRecord } from '../../../src/domain/index.js';
import { EngineClient } from '../../../src/engine/engine-client.js';
import { EngineReportedError, type LabbookError } from '../../../src/errors.js';
import { BUILD, VERSION } from '../../../src/version.js';
import { cli } from '../../helpers/cli.js';
import { engineEnv, engineInProcess, rawConnection, socketOf } from '../../helpers/engine.js';
import { project } from '../../helpers/project.js';
import { waitUntil } from '../../helpers/wait.js';

const SPEC = `name: grid
command: ["true"]
parameters:
  i: range(5)
`;

async function engineWithRuns(t: TestContext) {
  const dir = await project(t, SPEC);
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const env = engineEnv(t);
  const running = await engineInProcess(t, dir, env);
  const connection = await rawConnection(t, socketOf(dir, env));
  return { dir, env, ...running, connection };
}

const hello = { id: 0, method: 'hello', params: { version: VERSION, client: 'test' } };

test('a client says hello first; the engine answers with its version, build, protocol, pid and store', async (t) => {
  const { connection, dir } = await engineWithRuns(t);
  connection.send({ id: 1, method: 'ping' }, hello);
  const answers = await connection.answers(2);
  assert.equal(answers.get(1)?.error?.code, 'LB_PROTOCOL_BAD_REQUEST');
  assert.match(answers.get(1)?.error?.message ?? '', /'ping' before 'hello'/);
  assert.deepEqual(answers.get(0), {
    id: 0,
    ok: true,
    value: { version: VERSION, build: BUILD, protocol: 1, pid: process.pid, store: `${dir}/.labbook` },
  });
});

test('several requests in flight on one connection are each answered under their own id', async (t) => {
  const { connection } = await engineWithRuns(t);
  connection.send(hello, { id: 'a', method: 'getRun', params: { id: 3 } }, { id: 'b', method: 'ping' }, { id: 'c', method: 'countRuns' });
  const answers = await connection.answers(4);
  assert.deepEqual(answers.get('b'), { id: 'b', ok: true, value: null });
  const run = answers.get('a')?.value as RunRecord;
  assert.deepEqual([run.id, run.params], [3, { i: 2 }]);
  assert.deepEqual(answers.get('c')?.value, [{ experiment: 'grid', state: 'PENDING', count: 5 }]);
});

test('listRuns streams the rows in chunks before its answer, which counts them', async (t) => {
  const { connection } = await engineWithRuns(t);
  connection.send(hello);
  await connection.lines(1);
  connection.send({ id: 7, method: 'listRuns', params: { filter: { query: 'i >= 1' }, chunkRows: 2 } });
  const lines = (await connection.lines(4)).slice(1);
  assert.deepEqual(
    lines.map((line) => line.chunk?.map((run) => (run as RunRecord).params.i) ?? line.value),
    [[1, 2], [3, 4], { count: 4 }],
  );
  assert.ok(lines.every((line) => line.id === 7));
});

test('errors answer with the code and message of the LabbookError', async (t) => {
  const { connection } = await engineWithRuns(t);
  connection.send(
    hello,
    { id: 1, method: 'getRun', params: { id: 99 } },
    { id: 2, method: 'listRuns', params: { filter: { query: 'i >' } } },
    { id: 3, method: 'listRuns', params: { filter: { states: ['DONE'] } } },
    { id: 4, method: 'frobnicate' },
    'not json',
    { id: 5 },
  );
  const errors = new Map([...(await connection.answers(7))].map(([id, line]) => [id, line.error]));
  assert.equal(errors.get(1)?.code, 'LB_RUN_NOT_FOUND');
  assert.equal(errors.get(2)?.code, 'LB_QUERY_SYNTAX');
  assert.equal(errors.get(3)?.code, 'LB_PROTOCOL_BAD_REQUEST');
  assert.match(errors.get(3)?.message ?? '', /^listRuns: params\.filter\.states\.0: Invalid enum value\. Expected 'PENDING' \| /);
  assert.match(errors.get(4)?.message ?? '', /unknown method 'frobnicate'; the engine serves hello, ping, status, listRuns/);
  assert.match(errors.get(null)?.message ?? '', /not JSON: not json/);
  assert.match(errors.get(5)?.message ?? '', /without a "method"/);
});

test('status lists the clients; shutdown if idle is refused while another client is connected', async (t) => {
  const { connection, env, dir, engine } = await engineWithRuns(t);
  const other = await rawConnection(t, socketOf(dir, env));
  other.send({ ...hello, params: { version: '0.0.1', client: 'old' } });
  await other.lines(1);
  connection.send(hello, { id: 1, method: 'status' }, { id: 2, method: 'shutdown', params: { ifIdle: true } });
  const answers = await connection.answers(3);
  const { clients } = answers.get(1)!.value as { clients: Array<{ client: string; version: string; pid: number }> };
  assert.deepEqual(clients.map((client) => [client.client, client.version, client.pid]).sort(), [
    ['old', '0.0.1', process.pid],
    ['test', VERSION, process.pid],
  ]);
  assert.deepEqual(answers.get(2)?.value, { stopping: false, pid: process.pid, clients: 1 });

  other.socket.destroy();
  await waitUntil(() => engine.status().clients.length === 1, { message: 'the engine saw the other client go' });
  connection.send({ id: 3, method: 'shutdown', params: { ifIdle: true } });
  assert.deepEqual((await connection.answers(4)).get(3)?.value, { stopping: true, pid: process.pid });
  assert.equal(await engine.stopped, 'replaced by a client of another version');
  await connection.closed;
  assert.equal(existsSync(socketOf(dir, env)), false);
});

test('the TypeScript client sends requests ahead, streams rows, and rejects with the code the engine answered', async (t) => {
  const { dir, env } = await engineWithRuns(t);
  const client = await EngineClient.connect(socketOf(dir, env));
  t.after(() => client.close());
  await client.request('hello', { version: VERSION });
  const chunks: number[][] = [];
  const [listed, run, missing] = await Promise.allSettled([
    client.stream<RunRecord>('listRuns', { chunkRows: 3 }, (rows) => chunks.push(rows.map((row) => row.id))),
    client.request<RunRecord>('getRun', { id: 5 }),
    client.request('getRun', { id: 6 }),
  ]);
  assert.deepEqual(listed, { status: 'fulfilled', value: { count: 5 } });
  assert.deepEqual(chunks, [
    [1, 2, 3],
    [4, 5],
  ]);
  assert.equal(run.status === 'fulfilled' && run.value.params.i, 4);
  assert.ok(missing.status === 'rejected' && missing.reason instanceof EngineReportedError);
  assert.equal((missing.reason as EngineReportedError).code, 'LB_RUN_NOT_FOUND');
});

test('a stream waits for a slow reader, and one that hangs up mid-stream leaves the engine serving', async (t) => {
  const dir = await project(t, SPEC.replace('range(5)', 'range(3000)'));
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const env = engineEnv(t);
  const { engine, log } = await engineInProcess(t, dir, env);
  const slow = await rawConnection(t, socketOf(dir, env));
  slow.send(hello, { id: 1, method: 'listRuns', params: { chunkRows: 10 } });
  slow.socket.pause(); // more than the socket buffers hold: the engine must wait for drain
  const quitter = await rawConnection(t, socketOf(dir, env));
  quitter.send(hello, { id: 1, method: 'listRuns', params: { chunkRows: 1 } });
  await quitter.lines(2);
  quitter.socket.destroy();

  slow.socket.resume();
  const lines = (await slow.lines(302)).filter((line) => line.id === 1);
  const ids = lines.flatMap((line) => (line.chunk ?? []).map((run) => (run as RunRecord).id));
  assert.deepEqual(
    ids,
    Array.from({ length: 3000 }, (_, i) => i + 1),
  );
  assert.deepEqual(lines.at(-1)?.value, { count: 3000 });
  await waitUntil(() => engine.status().clients.length === 1, { message: 'the engine saw the quitter go' });
  assert.deepEqual(
    log.filter((line) => line.includes('error')),
    [],
    'a client that hangs up is no bug',
  );
});

test('the TypeScript client rejects what is not an engine talking, instead of throwing in its reader', async (t) => {
  const dir = engineEnv(t).XDG_RUNTIME_DIR as string;
  const server = createServer((socket) => socket.end('SSH-2.0-OpenSSH\n'));
  await new Promise<void>((resolve) => server.listen(join(dir, 'other.sock'), resolve));
  t.after(() => server.close());
  const client = await EngineClient.connect(join(dir, 'other.sock'));
  await assert.rejects(client.request('hello', { version: VERSION }), (error: LabbookError) => {
    assert.equal(error.code, 'LB_ENGINE_UNAVAILABLE');
    assert.match(error.message, /a line that is not JSON \(SSH-2\.0-OpenSSH\); is it a labbook engine\?/);
    return true;
  });
});
