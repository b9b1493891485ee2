import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { StudyDefinition } from '../../src/domain/study.js';
import { EngineClient } from '../../src/engine/engine-client.js';
import type { HttpServing } from '../../src/server/http-server.js';
import { runHash } from '../../src/spec/run-hash.js';
import type { Params } from '../../src/spec/types.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { Study } from '../../src/study/index.js';
import { recordArtifact } from '../../src/track/record-artifact.js';
import { objectsOf } from '../../src/track/store-objects.js';
import { VERSION } from '../../src/version.js';
import { engineEnv, engineInProcess, socketOf } from './engine.js';
import { project, projectStore } from './project.js';
import { dataset, evaluation, hex, model, record, T0 } from './provenance.js';
import { tempDir } from './temp-dir.js';

export { T0 };
export const XSS = '<img src=x onerror="window.__xss=1">';

/**
 * A store the API tests read: experiment `cv` with four runs (two COMPLETED with metrics,
 * one FAILED, one PENDING), experiment `xss` whose parameter, error and artifact name are
 * HTML, and a spec whose notify: holds a Slack hook and an SMTP login.
 */
export async function seedApiStore(store: SqliteStore, dir: string): Promise<void> {
  const cv = await store.saveExperiment(
    'cv',
    {
      name: 'cv',
      command: 'python3 train.py',
      notify: [
        { webhook: 'https://hooks.slack.com/services/T000/B000/SECRETPATH' },
        { email: { to: ['me@lab.org'], smtp: 'smtp://alice:hunter2@mail.lab.org:587' } },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a spec's reference to an environment variable
        { webhook: '${env:SLACK_HOOK}' },
      ],
    },
    T0,
  );
  const params: Params[] = [
    { lr: 0.1, model: 'svc' },
    { lr: 0.01, model: 'svc' },
    { lr: 0.5, model: 'rf' },
    { lr: 1, model: 'rf' },
  ];
  await store.enqueueRuns(cv.id, [params.map((p) => ({ paramsJson: JSON.stringify(p), hash: runHash(p) }))], { now: T0, retries: 0 });
  for (let i = 0; i < 3; i++) {
    const now = T0 + 1000 * i;
    const [run] = await store.claimRuns({ workerId: 'w1', limit: 1, now, leaseExpiresAt: now + 3_600_000_000, experiments: ['cv'] });
    if (!run) throw new Error('fixture: nothing to claim');
    const lease = { runId: run.id, workerId: 'w1', attempt: run.attempt };
    if (i === 2) {
      await store.finishRun(lease, { kind: 'failed', reason: 'error', error: 'ValueError: diverged', exitCode: 1 }, now + 500);
      continue;
    }
    const loss = Array.from({ length: i === 0 ? 5000 : 10 }, (_, step) => ({
      key: 'val.loss',
      step,
      value: 1 / (step + 1) + (step % 97 === 0 ? 0.5 : 0),
      at: now + step,
    }));
    await store.appendMetrics(run.id, run.attempt, [...loss, { key: 'acc', step: 0, value: 0.9 - i / 10, at: now }]);
    await store.saveEnvironment(run.id, run.attempt, { host: 'lab-1', python: { version: i === 0 ? '3.11.2' : '3.12.1' } });
    const file = join(dir, `predictions-${i}.csv`);
    writeFileSync(file, 'fold,accuracy\n0,0.9\n');
    await recordArtifact(store, objectsOf(store), run, 'predictions.csv', file, undefined, now);
    await store.finishRun(lease, { kind: 'completed', result: { accuracy: 0.9 - i / 10 } }, now + 500);
  }
  const xss = await store.saveExperiment(XSS, { name: XSS, command: 'true' }, T0);
  const payload = { note: XSS, [XSS]: 1 };
  await store.enqueueRuns(xss.id, [[{ paramsJson: JSON.stringify(payload), hash: runHash(payload) }]], { now: T0, retries: 0 });
  const page = join(dir, 'page.html');
  writeFileSync(page, `<script>window.__xss = 1</script>${XSS}`);
  const [xssRun] = await store.claimRuns({ workerId: 'w1', limit: 1, now: T0, leaseExpiresAt: T0 + 3_600_000_000, experiments: [XSS] });
  if (!xssRun) throw new Error('fixture: no xss run');
  await recordArtifact(store, objectsOf(store), xssRun, `${XSS}.html`, page, undefined, T0);
  await store.finishRun({ runId: xssRun.id, workerId: 'w1', attempt: 1 }, { kind: 'failed', reason: 'error', error: XSS }, T0 + 1);
}

/**
 * Study `quad` (minimise, 6 trials: 5 COMPLETE, 1 FAILED), study `tradeoff` (two objectives,
 * 4 trials, 3 on its Pareto front) and a study whose name is HTML. Provenance: datasets
 * digits-train and digits-test, models svc and rf (rf's name HTML) trained on digits-train and
 * evaluated on digits-test, and svc evaluated on digits-other too (incomparable with the others).
 */
export async function seedStudiesAndLineage(store: SqliteStore): Promise<void> {
  const space = { x: { uniform: [-1, 1] } };
  const definition: StudyDefinition = {
    name: 'quad',
    experiment: 'quad-trials',
    space,
    sampler: { name: 'random', options: {} },
    directions: ['minimize'],
    objectives: ['loss'],
    seed: 7,
  };
  const quad = await Study.create(store, definition);
  const losses = [0.5, 0.7, 0.2, null, 0.3, 0.1];
  for (const loss of losses) {
    const trial = await quad.ask();
    if (!trial) throw new Error('fixture: no trial');
    await quad.tell(trial.number, loss === null ? { state: 'FAILED', error: 'diverged' } : { state: 'COMPLETE', values: [loss] });
  }
  await quad.close();
  const tradeoff = await Study.create(store, {
    ...definition,
    name: 'tradeoff',
    experiment: 'tradeoff-trials',
    directions: ['minimize', 'maximize'],
    objectives: ['latency', 'accuracy'],
  });
  for (const values of [
    [10, 0.8],
    [20, 0.9],
    [30, 0.85],
    [5, 0.7],
  ]) {
    const trial = await tradeoff.ask();
    if (!trial) throw new Error('fixture: no trial');
    await tradeoff.tell(trial.number, { state: 'COMPLETE', values });
  }
  await tradeoff.close();
  await (await Study.create(store, { ...definition, name: XSS, experiment: 'xss-study' })).close();
  const [train, test, other] = await record(
    store,
    dataset('digits-train', hex('a')),
    dataset('digits-test', hex('b')),
    dataset('digits-other', hex('c')),
  );
  const [svc, rf] = await record(store, model('svc', train as string), model(XSS, train as string));
  await record(
    store,
    evaluation(svc as string, test as string, 0.9, { name: 'svc-on-test' }),
    evaluation(rf as string, test as string, 0.95, { name: 'rf-on-test' }),
    evaluation(svc as string, other as string, 0.99, { name: 'svc-on-other' }),
  );
}

/** Records `bytes` as artifact `name` of run `runId`, as a run's log_artifact does. */
export async function attachArtifact(
  t: TestContext,
  store: SqliteStore,
  runId: number,
  name: string,
  bytes: string | Buffer,
): Promise<void> {
  const file = join(tempDir(t), 'artifact');
  writeFileSync(file, bytes);
  const run = await store.getRun(runId);
  if (!run) throw new Error(`no run ${runId}`);
  await recordArtifact(store, objectsOf(store), run, name, file, undefined, T0);
}

export interface ApiServer {
  url: string;
  serving: HttpServing;
  store: SqliteStore;
  dir: string;
  /** A client of the engine's socket (as `labbook serve` is). */
  client: EngineClient;
}

/** An engine in this process serving a seeded store (seedApiStore, seedStudiesAndLineage) over HTTP on a random loopback port. */
export async function startApi(
  t: TestContext,
  options: { host?: string; token?: string; readOnlyToken?: string; seed?: boolean } = {},
): Promise<ApiServer> {
  const dir = await project(t);
  const store = await projectStore(t, dir);
  if (options.seed !== false) {
    await seedApiStore(store, tempDir(t));
    await seedStudiesAndLineage(store);
  }
  const env = engineEnv(t, dir);
  await engineInProcess(t, dir, env);
  const client = await EngineClient.connect(socketOf(dir, env));
  t.after(() => client.close());
  await client.request('hello', { version: VERSION, client: 'http test' });
  const serving = await client.request<HttpServing>('serveHttp', {
    host: options.host ?? '127.0.0.1',
    port: 0,
    ...(options.token !== undefined && { token: options.token }),
    ...(options.readOnlyToken !== undefined && { readOnlyToken: options.readOnlyToken }),
  });
  const url = `http://127.0.0.1:${serving.port}`;
  return { url, serving, store, dir, client };
}

/** GETs or POSTs JSON; answers the status, the parsed body and the headers. */
export async function api(
  url: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: answers of every route, asserted field by field
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      ...(init.token !== undefined && { authorization: `Bearer ${init.token}` }),
      ...init.headers,
    },
    ...(init.body !== undefined && { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
  return { status: response.status, body, headers: response.headers };
}

export interface ApiExample {
  path: string;
  body?: unknown;
  /** The request to send for a 200, when it needs another first (a remote run's key), made with the token given. */
  prepare?: (url: string, token?: string) => Promise<{ path: string; body: unknown }>;
}

let remoteRuns = 0;

/** A remote run started over the API (each with parameters of its own): its id and key. */
export async function startRemoteRun(url: string, token?: string): Promise<{ id: number; key: string }> {
  const answer = await api(`${url}/api/remote/runs`, {
    body: { experiment: 'remote', params: { n: ++remoteRuns } },
    ...(token !== undefined && { token }),
  });
  if (answer.status !== 200) throw new Error(`remote run not started: ${JSON.stringify(answer.body)}`);
  return { id: answer.body.run, key: answer.body.key };
}

/** What to send for an example's 200: its own request, or the one it prepares. */
export async function exampleRequest(url: string, example: ApiExample, token?: string): Promise<{ path: string; body?: unknown }> {
  return example.prepare ? example.prepare(url, token) : example;
}

/** A request of every route that it answers with 200, by handler. */
export const API_EXAMPLES: Record<string, ApiExample> = {
  ping: { path: '/api/health' },
  listExperiments: { path: '/api/experiments' },
  getExperiment: { path: '/api/experiments/cv' },
  pageRuns: { path: '/api/runs?experiments=cv&sort=lr&descending=true&limit=2' },
  listKeys: { path: '/api/keys?experiments=cv' },
  getRunDetail: { path: '/api/runs/1' },
  getMetricSeries: { path: '/api/runs/1/series?key=val.loss&maxPoints=100' },
  getRunLog: { path: '/api/runs/1/logs?stream=stdout' },
  getArtifact: { path: '/api/runs/1/artifacts/predictions.csv' },
  compareRuns: { path: '/api/compare?a=1&b=2' },
  getArtifactPreview: { path: '/api/runs/1/previews/predictions.csv' },
  metricBands: { path: '/api/bands?experiments=cv&key=val.loss&by=model' },
  listNotifications: { path: '/api/experiments/cv/notifications' },
  // The channel of ${env:SLACK_HOOK}, unset here: it answers at once that the message was not sent.
  testNotification: { path: '/api/experiments/cv/notifications/test', body: { index: 2 } },
  remoteStartRun: { path: '/api/remote/runs', body: { experiment: 'remote', params: { n: 0 } } },
  remoteRunMessages: {
    path: '/api/remote/runs/1/messages',
    body: { key: 'no-key', messages: [] },
    prepare: async (url, token) => {
      const { id, key } = await startRemoteRun(url, token);
      return { path: `/api/remote/runs/${id}/messages`, body: { key, messages: [{ type: 'metrics', values: { loss: 1 }, step: 0 }] } };
    },
  },
  remoteFinishRun: {
    path: '/api/remote/runs/1/finish',
    body: { key: 'no-key' },
    prepare: async (url, token) => {
      const { id, key } = await startRemoteRun(url, token);
      return { path: `/api/remote/runs/${id}/finish`, body: { key } };
    },
  },
  listStudies: { path: '/api/studies' },
  getStudy: { path: '/api/studies/quad' },
  findEntities: { path: `/api/entities?${new URLSearchParams({ filter: 'kind=dataset' })}` },
  getLineage: { path: '/api/lineage/evaluation:svc-on-test?depth=3' },
  leaderboard: { path: `/api/leaderboard?${new URLSearchParams({ filter: 'task=digits metric=accuracy' })}` },
  cancelRuns: { path: '/api/runs/cancel', body: { ids: [4] } },
  resetRuns: { path: '/api/runs/reset', body: { states: ['FAILED'], experiments: ['cv'] } },
};
