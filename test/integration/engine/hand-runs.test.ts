import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { VERSION } from '../../../src/version.js';
import { engineEnv, engineInProcess, rawConnection, socketOf } from '../../helpers/engine.js';
import { project, projectStore } from '../../helpers/project.js';

const hello = { params: { version: VERSION, client: 'test' } };

async function connected(t: TestContext, dir: string, env: NodeJS.ProcessEnv) {
  const connection = await rawConnection(t, socketOf(dir, env));
  let next = 1;
  /** Sends one request and waits for its answer; its chunks, if any, before it. */
  const stream = async (method: string, params: unknown) => {
    const id = next++;
    connection.send({ id, method, params });
    for (let count = 1; ; count++) {
      const lines = (await connection.lines(count)).filter((line) => line.id === id);
      const answer = lines.find((line) => line.ok !== undefined);
      if (answer) return { answer, chunks: lines.filter((line) => line.chunk).flatMap((line) => line.chunk) };
    }
  };
  const request = async (method: string, params: unknown) => (await stream(method, params)).answer;
  await request('hello', hello.params);
  return { connection, request, stream };
}

async function engineOf(t: TestContext) {
  const dir = await project(t);
  const env = engineEnv(t);
  await engineInProcess(t, dir, env);
  return { dir, env };
}

test('a run by hand is started, records metrics, an artifact, a log line and its result, and completes', async (t) => {
  const { dir, env } = await engineOf(t);
  const { request } = await connected(t, dir, env);
  const started = (await request('startRun', { experiment: 'manual', params: { lr: 0.1 } })).value as {
    run: number;
    attempt: number;
    runDir: string;
  };
  assert.deepEqual(started, { run: 1, attempt: 1, runDir: join(dir, '.labbook', 'runs', '1') });
  const point = (step: number, value: number) => ['loss', step, value, 1000 + step];
  await request('runMessage', { run: 1, message: { type: 'metrics', points: [point(0, 1), point(1, 0.5)] } });
  writeFileSync(join(dir, 'notes.txt'), 'hello');
  const artifact = await request('runMessage', { run: 1, message: { type: 'artifact', name: 'notes.txt', path: join(dir, 'notes.txt') } });
  assert.equal((artifact.value as { size: number }).size, 5);
  await request('runMessage', { run: 1, message: { type: 'log', message: 'half way' } });
  await request('runMessage', { run: 1, message: { type: 'result', value: { accuracy: 0.9 } } });
  assert.equal((await request('finishRun', { run: 1 })).value, 'COMPLETED');

  const store = await projectStore(t, dir);
  const run = await store.getRun(1);
  assert.deepEqual(
    [run?.experiment, run?.state, run?.params, run?.result, run?.specVersion],
    ['manual', 'COMPLETED', { lr: 0.1 }, { accuracy: 0.9 }, null],
  );
  assert.deepEqual(
    (await store.readMetrics(1, 'loss')).map((p) => p.value),
    [1, 0.5],
  );
  assert.deepEqual(
    (await store.listArtifacts(1)).map((a) => a.name),
    ['notes.txt'],
  );
  assert.match(readFileSync(join(started.runDir, 'labbook.log'), 'utf8'), /INFO half way/);
  assert.deepEqual(
    (await store.listRunEvents(1)).map((e) => [e.fromState, e.toState, e.reason]),
    [
      [null, 'RUNNING', 'run by hand'],
      ['RUNNING', 'COMPLETED', 'completed'],
    ],
  );
});

test('the same parameters again are the next attempt of the same run; a run held by a live client is refused', async (t) => {
  const { dir, env } = await engineOf(t);
  const first = await connected(t, dir, env);
  await first.request('startRun', { experiment: 'manual', params: { x: 1 } });
  const second = await connected(t, dir, env);
  const refused = await second.request('startRun', { experiment: 'manual', params: { x: 1 } });
  assert.equal(refused.error?.code, 'LB_RUN_BUSY');
  assert.match(refused.error?.message ?? '', /run 1 of manual is running under python:/);
  assert.equal((await first.request('finishRun', { run: 1, error: 'Traceback…\nValueError: diverged' })).value, 'FAILED');
  const again = await second.request('startRun', { experiment: 'manual', params: { x: 1 } });
  assert.deepEqual(again.value, { run: 1, attempt: 2, runDir: join(dir, '.labbook', 'runs', '1') });
  const other = await first.request('runMessage', { run: 1, message: { type: 'log', message: 'not mine' } });
  assert.equal(other.error?.code, 'LB_PROTOCOL_BAD_REQUEST', 'a client records only the runs it started');
});

test('a client that hangs up leaves its run RUNNING under its lease, to expire as a lost worker', async (t) => {
  const { dir, env } = await engineOf(t);
  const { connection, request } = await connected(t, dir, env);
  await request('startRun', { experiment: 'manual', params: { x: 1 } });
  await request('runMessage', { run: 1, message: { type: 'metrics', points: [['loss', 0, 1, 1000]] } });
  connection.socket.destroy();
  await connection.closed;
  const store = await projectStore(t, dir);
  const run = await store.getRun(1);
  assert.equal(run?.state, 'RUNNING');
  assert.ok((run?.leaseExpiresAt ?? 0) > Date.now(), 'the lease runs out on its own');
});

test('readConfig reads YAML as the CLI does and locates its problems at file:line:column', async (t) => {
  const { dir, env } = await engineOf(t);
  const { request } = await connected(t, dir, env);
  writeFileSync(join(dir, 'good.yaml'), 'base: &b {lr: 0.1}\nmodel: {<<: *b, depth: 3}\nlist: [1, 2]\n');
  writeFileSync(join(dir, 'bad.yaml'), 'a: 1\nb: [1, 2\n');
  assert.deepEqual((await request('readConfig', { path: 'good.yaml', cwd: dir })).value, {
    base: { lr: 0.1 },
    model: { '<<': { lr: 0.1 }, depth: 3 },
    list: [1, 2],
  });
  const bad = await request('readConfig', { path: 'bad.yaml', cwd: dir });
  assert.equal(bad.error?.code, 'LB_SPEC_INVALID');
  assert.match(bad.error?.message ?? '', /^bad\.yaml:\d+:\d+: /);
  assert.equal((await request('readConfig', { path: 'none.yaml', cwd: dir })).error?.code, 'LB_SPEC_NOT_FOUND');
});

test('enqueue adds a spec, listRuns gives each run the last value of its metrics, resetRuns requeues', async (t) => {
  const { dir, env } = await engineOf(t);
  const { request, stream } = await connected(t, dir, env);
  const spec = { name: 'grid', command: ['true'], parameters: { i: [1, 2] } };
  assert.deepEqual((await request('enqueue', { spec })).value, {
    experiment: 'grid',
    specVersion: 1,
    planned: 2,
    added: 2,
    replanned: 0,
    requeued: 0,
    moved: 0,
    unchanged: {},
  });
  const store = await projectStore(t, dir);
  await store.appendMetrics(2, 0, [{ key: 'loss', step: 0, value: 3, at: 1 }]);
  await store.cancelRuns({ ids: [1] }, Date.now());
  const { chunks } = await stream('listRuns', { metrics: true });
  assert.deepEqual(
    (chunks as Array<{ id: number; metrics: object }>).map((run) => [run.id, run.metrics]),
    [
      [1, {}],
      [2, { loss: 3 }],
    ],
  );
  const reset = await request('resetRuns', { experiments: ['grid'], states: ['CANCELLED'] });
  assert.deepEqual(reset.value, { reset: 1 });
});
