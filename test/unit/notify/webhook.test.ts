import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNotifier } from '../../../src/notify/index.js';
import type { NotifyConfig } from '../../../src/spec/types.js';
import { failedRun, summary } from './notices.js';
import { closedPort, webhookSink } from './sinks.js';

const webhook = (url: string, extra: Partial<NotifyConfig> = {}): NotifyConfig =>
  ({ channel: 'webhook', url, on: ['finished', 'failed'], minInterval: 0, ...extra }) as NotifyConfig;

test('a failed run is posted as Slack-compatible JSON with the run in structured fields', async (t) => {
  const sink = await webhookSink(t);
  const warnings: string[] = [];
  const notifier = createNotifier([webhook(sink.url)], { warn: (m) => warnings.push(m) });

  notifier.runFailed(failedRun(12, { attempt: 2, reason: 'TIMED_OUT' }));
  await notifier.finished(summary([failedRun(12)]));
  await notifier.close();

  assert.deepEqual(warnings, []);
  const [failed, finished] = sink.bodies;
  assert.equal(sink.bodies.length, 2);
  assert.equal(failed?.contentType, 'application/json');
  assert.equal(failed?.text, 'labbook: sweep: run 12 failed (attempt 2, TIMED_OUT): ValueError: run 12 diverged');
  assert.equal(failed?.event, 'failed');
  assert.equal(failed?.experiment, 'sweep');
  assert.deepEqual(failed?.run, {
    id: 12,
    hash: '0012abcdef0123456789',
    params: { lr: 0.1, seed: 12 },
    attempt: 2,
    reason: 'TIMED_OUT',
    error: 'ValueError: run 12 diverged',
  });
  assert.equal(finished?.event, 'finished');
  assert.equal(finished?.experiment, 'sweep');
  assert.deepEqual(finished?.counts, { PENDING: 0, RUNNING: 0, COMPLETED: 43, FAILED: 1, CANCELLED: 0 });
  assert.match(
    String(finished?.text),
    /^labbook: sweep finished — 43 completed, 1 failed\nTook 12m 34s; store: \/home\/me\/project\/\.labbook/,
  );
  assert.match(String(finished?.text), /Failures:\n- sweep: run 12 failed \(attempt 1, exit code 1\): ValueError: run 12 diverged/);
  assert.deepEqual(finished?.failures, [
    { experiment: 'sweep', id: 12, hash: '0012abcdef0123456789', attempt: 1, reason: 'exit code 1', error: 'ValueError: run 12 diverged' },
  ]);
});

test('runFailed returns before the delivery is made, and finished waits for it', async (t) => {
  const sink = await webhookSink(t);
  const notifier = createNotifier([webhook(sink.url)], { warn: assert.fail });

  notifier.runFailed(failedRun(1));
  assert.equal(sink.bodies.length, 0);
  await notifier.finished(summary([failedRun(1)]));
  assert.equal(sink.bodies.length, 2);
  await notifier.close();
});

test('an unreachable webhook gives a warning without the secret part of its URL, and nothing throws', async () => {
  const url = `http://127.0.0.1:${await closedPort()}/services/T0/B0/secret`;
  const warnings: string[] = [];
  const notifier = createNotifier([webhook(url)], { warn: (m) => warnings.push(m) });

  notifier.runFailed(failedRun(1));
  await notifier.finished(summary([failedRun(1)]));
  await notifier.close();

  assert.equal(warnings.length, 2);
  for (const warning of warnings) {
    assert.match(warning, /^notify: webhook http:\/\/127\.0\.0\.1:\d+\/… failed: ECONNREFUSED; continuing$/);
  }
});

test('a webhook that answers with an error status gives a warning naming the status', async (t) => {
  const sink = await webhookSink(t, 404);
  const warnings: string[] = [];
  const notifier = createNotifier([webhook(sink.url, { on: ['finished'] })], { warn: (m) => warnings.push(m) });

  await notifier.finished(summary([]));
  await notifier.close();

  assert.equal(sink.bodies.length, 1);
  assert.deepEqual(warnings, [`notify: webhook http://127.0.0.1:${new URL(sink.url).port}/… failed: HTTP 404 Not Found; continuing`]);
});

test('a webhook that never answers is given up after the timeout', async (t) => {
  const sink = await webhookSink(t, 'hang');
  const warnings: string[] = [];
  const notifier = createNotifier([webhook(sink.url)], { warn: (m) => warnings.push(m), timeoutMs: 500 });

  await notifier.finished(summary([]));
  await notifier.close();

  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /failed: timed out after 0\.5s; continuing$/);
});

test('a regression is posted to every channel, whatever it is on, with the candidates in structured fields', async (t) => {
  const sink = await webhookSink(t);
  const warnings: string[] = [];
  const notifier = createNotifier([webhook(sink.url, { on: ['failed'] })], { warn: (m) => warnings.push(m) });
  await notifier.regressed({
    metric: 'accuracy',
    checked: 2,
    regressions: [{ candidate: 'svc (1a2b3c4d5e6f)', value: 0.8, baseline: 'svc (9f8e7d6c5b4a)', baselineValue: 0.9 }],
  });
  await notifier.close();
  assert.deepEqual(warnings, []);
  const [body] = sink.bodies;
  assert.equal(body?.event, 'regressed');
  assert.equal(
    body?.text,
    'labbook: accuracy regressed: 1 of 2 candidates worse than their baseline\n- svc (1a2b3c4d5e6f): 0.8 (baseline svc (9f8e7d6c5b4a): 0.9)',
  );
  assert.deepEqual(body?.regressions, [
    { candidate: 'svc (1a2b3c4d5e6f)', value: 0.8, baseline: 'svc (9f8e7d6c5b4a)', baselineValue: 0.9 },
  ]);
});
