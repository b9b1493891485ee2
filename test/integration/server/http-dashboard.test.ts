import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, attachArtifact, startApi, T0, XSS } from '../../helpers/http-api.js';
import { webhookSink } from '../../helpers/webhook-sink.js';

const TOKEN = 'full-token-0123456789abcdef';
const READ_ONLY = 'read-only-0123456789abcdef';

test('bands: a metric per step over the selected runs, grouped by a parameter, mean and sample std', async (t) => {
  const { url } = await startApi(t);
  // Runs 1 and 2 (model svc) logged acc 0.9 and 0.8 at step 0; run 3 (rf) failed without metrics.
  const { status, body } = await api(`${url}/api/bands?experiments=cv&key=acc&by=model`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.truncated, false);
  assert.equal(body.groups.length, 1);
  const [svc] = body.groups;
  assert.equal(svc.value, 'svc');
  assert.deepEqual(svc.runs, [1, 2]);
  assert.deepEqual(svc.steps, [0]);
  assert.deepEqual(svc.count, [2]);
  assert.ok(Math.abs(svc.mean[0] - 0.85) < 1e-12);
  assert.ok(Math.abs(svc.std[0] - Math.SQRT2 * 0.05) < 1e-12);

  // Run 1 has 5,000 steps of val.loss, run 2 ten: the long series is thinned, never averaged across steps.
  const long = await api(`${url}/api/bands?experiments=cv&key=val.loss&by=lr&maxSteps=100`);
  assert.deepEqual(
    long.body.groups.map((g: { value: number }) => g.value),
    [0.1, 0.01],
  );
  const [first] = long.body.groups;
  assert.ok(first.steps.length <= 100 && first.steps.length >= 90, `${first.steps.length} steps`);
  assert.equal(first.steps[0], 0);
  assert.equal(first.mean[0], 1.5);

  const capped = await api(`${url}/api/bands?experiments=cv&key=acc&by=model&maxRuns=1`);
  assert.equal(capped.body.truncated, true);
  const filtered = await api(`${url}/api/bands?${new URLSearchParams({ key: 'acc', by: 'model', query: 'lr < 0.05' })}`);
  assert.deepEqual(filtered.body.groups[0].runs, [2]);
  const badQuery = await api(`${url}/api/bands?${new URLSearchParams({ key: 'acc', by: 'model', query: 'lr <' })}`);
  assert.equal(badQuery.body.error.code, 'LB_QUERY_SYNTAX');
});

test('previews: a CSV, TSV or JSON-lines artifact as its first rows; an image as itself; anything else as nothing', async (t) => {
  const { url, store } = await startApi(t);
  const csv = await api(`${url}/api/runs/1/previews/predictions.csv`);
  assert.deepEqual(csv.body, {
    name: 'predictions.csv',
    mediaType: 'text/csv',
    size: 20,
    kind: 'table',
    columns: ['fold', 'accuracy'],
    rows: [['0', '0.9']],
    truncated: false,
  });
  const rows = Array.from({ length: 80 }, (_, i) => `${i}\t"${XSS}"`).join('\n');
  await attachArtifact(t, store, 2, 'scores.tsv', `step\tnote\n${rows}\n`);
  const tsv = await api(`${url}/api/runs/2/previews/scores.tsv?maxRows=3`);
  assert.equal(tsv.body.mediaType, 'text/tab-separated-values');
  assert.deepEqual(tsv.body.columns, ['step', 'note']);
  assert.deepEqual(tsv.body.rows, [
    ['0', `"${XSS}"`],
    ['1', `"${XSS}"`],
    ['2', `"${XSS}"`],
  ]);
  assert.equal(tsv.body.truncated, true);
  await attachArtifact(t, store, 2, 'preds.jsonl', '{"id": 1, "label": "cat"}\n{"id": 2, "score": 0.5}\n[1, 2]\n');
  const jsonl = await api(`${url}/api/runs/2/previews/preds.jsonl`);
  assert.deepEqual(jsonl.body.columns, ['id', 'label', 'score', 'value']);
  assert.deepEqual(jsonl.body.rows[2], [null, null, null, [1, 2]]);
  await attachArtifact(t, store, 2, 'plot.png', '\x89PNG\r\n');
  assert.equal((await api(`${url}/api/runs/2/previews/plot.png`)).body.kind, 'image');
  const html = await api(`${url}/api/runs/5/previews/${encodeURIComponent(`${XSS}.html`)}`);
  assert.equal(html.body.kind, 'none', 'HTML is never previewed');
  const missing = await api(`${url}/api/runs/1/previews/nope.csv`);
  assert.equal(missing.body.error.code, 'LB_ARTIFACT_NOT_FOUND');
});

test('notifications: the channels listed with their secrets masked; a test message reaches a webhook', async (t) => {
  const { url, store } = await startApi(t, { token: TOKEN, readOnlyToken: READ_ONLY });
  const listed = await api(`${url}/api/experiments/cv/notifications`, { token: READ_ONLY });
  assert.doesNotMatch(JSON.stringify(listed.body), /SECRETPATH|hunter2|alice/);
  assert.deepEqual(
    listed.body.channels.map((c: { channel: string; target: string; testable: boolean }) => [c.channel, c.target, c.testable]),
    [
      ['webhook', 'https://hooks.slack.com/…', true],
      ['email', 'me@lab.org via smtp://…@mail.lab.org:587', true],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a spec's reference to an environment variable
      ['webhook', '${env:SLACK_HOOK}', true],
    ],
  );

  const good = await webhookSink(t);
  const broken = await webhookSink(t, 500);
  await store.saveExperiment(
    'hooked',
    { name: 'hooked', command: 'true', notify: ['console', { webhook: good.url }, { webhook: broken.url }] },
    T0,
  );
  const channels = (await api(`${url}/api/experiments/hooked/notifications`, { token: TOKEN })).body.channels;
  assert.deepEqual(
    channels.map((c: { target: string }) => c.target),
    ['the terminal of labbook run', `${new URL(good.url).origin}/…`, `${new URL(broken.url).origin}/…`],
  );

  const refused = await api(`${url}/api/experiments/hooked/notifications/test`, { body: { index: 1 }, token: READ_ONLY });
  assert.equal(refused.status, 403, 'a read-only token sends nothing');
  assert.equal(good.bodies.length, 0);

  const sent = await api(`${url}/api/experiments/hooked/notifications/test`, { body: { index: 1 }, token: TOKEN });
  assert.deepEqual(sent.body, { index: 1, target: `${new URL(good.url).origin}/…`, sent: true, problem: null });
  assert.equal(good.bodies.length, 1);
  assert.equal(good.bodies[0]?.event, 'test');
  assert.equal(good.bodies[0]?.experiment, 'hooked');
  assert.match(String(good.bodies[0]?.text), /hooked: test message/);

  const failed = await api(`${url}/api/experiments/hooked/notifications/test`, { body: { index: 2 }, token: TOKEN });
  assert.equal(failed.body.sent, false);
  assert.match(failed.body.problem, /HTTP 500/);
  assert.doesNotMatch(failed.body.problem, /HOOKSECRET/);

  const console = await api(`${url}/api/experiments/hooked/notifications/test`, { body: { index: 0 }, token: TOKEN });
  assert.equal(console.status, 400);
  assert.match(console.body.error.message, /no channel 0 to test; its webhook and e-mail channels are 1, 2/);
  const unknown = await api(`${url}/api/experiments/nope/notifications`, { token: TOKEN });
  assert.equal(unknown.body.error.code, 'LB_EXPERIMENT_NOT_FOUND');
});
