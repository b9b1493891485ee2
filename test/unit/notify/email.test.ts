import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNotifier } from '../../../src/notify/index.js';
import type { NotifyConfig } from '../../../src/spec/types.js';
import { failedRun, summary } from './notices.js';
import { closedPort, smtpSink } from './sinks.js';

const email = (smtp: string, extra: Partial<NotifyConfig> = {}): NotifyConfig =>
  ({
    channel: 'email',
    to: ['me@lab.org', 'you@lab.org'],
    from: 'labbook@lab.org',
    smtp,
    on: ['finished', 'failed'],
    minInterval: 0,
    ...extra,
  }) as NotifyConfig;

test('the end of a sweep is mailed with its counts in the subject and its failures in the body', async (t) => {
  const sink = await smtpSink(t);
  const notifier = createNotifier([email(sink.url, { on: ['finished'] })], { warn: assert.fail });

  await notifier.finished(
    summary([failedRun(7), failedRun(9, { reason: 'TIMED_OUT', error: '' })], {
      counts: { PENDING: 0, RUNNING: 0, COMPLETED: 43, FAILED: 2, CANCELLED: 1 },
    }),
  );
  await notifier.close();

  assert.equal(sink.mails.length, 1);
  const mail = sink.mails[0]!;
  assert.equal(mail.from, 'labbook@lab.org');
  assert.deepEqual(mail.to, ['me@lab.org', 'you@lab.org']);
  assert.equal(mail.subject, 'labbook: sweep finished — 43 completed, 2 failed, 1 cancelled');
  assert.match(mail.text, /^sweep finished — 43 completed, 2 failed, 1 cancelled\nTook 12m 34s; store: \/home\/me\/project\/\.labbook\n/);
  assert.match(mail.text, /\n- sweep: run 7 failed \(attempt 1, exit code 1\): ValueError: run 7 diverged\n/);
  assert.match(mail.text, /\n- sweep: run 9 failed \(attempt 1, TIMED_OUT\)\n/);
});

test('a failed run is mailed with its parameters and whole error text', async (t) => {
  const sink = await smtpSink(t);
  const notifier = createNotifier([email(sink.url, { on: ['failed'] })], { warn: assert.fail });

  notifier.runFailed(failedRun(3));
  await notifier.finished(summary([failedRun(3)]));
  await notifier.close();

  assert.equal(sink.mails.length, 1);
  const mail = sink.mails[0]!;
  assert.equal(mail.subject, 'labbook: sweep: run 3 failed (attempt 1, exit code 1)');
  assert.match(
    mail.text,
    /Parameters: \{"lr":0\.1,"seed":3\}\nHash: 0003abcdef0123456789\n\nTraceback \(most recent call last\):\n {2}File "train\.py", line 3\nValueError: run 3 diverged/,
  );
});

test('sender and server default to LABBOOK_MAIL_FROM and LABBOOK_SMTP_URL', async (t) => {
  const sink = await smtpSink(t);
  const config: NotifyConfig = { channel: 'email', to: ['me@lab.org'], on: ['finished'], minInterval: 60 };
  const notifier = createNotifier([config], { warn: assert.fail, env: { LABBOOK_SMTP_URL: sink.url, LABBOOK_MAIL_FROM: 'bot@lab.org' } });

  await notifier.finished(summary([]));
  await notifier.close();

  assert.equal(sink.mails[0]?.from, 'bot@lab.org');
});

test('an unreachable SMTP server gives a warning, and nothing throws', async () => {
  const warnings: string[] = [];
  const smtp = `smtp://user:hunter2@127.0.0.1:${await closedPort()}`;
  const notifier = createNotifier([email(smtp)], { warn: (m) => warnings.push(m), timeoutMs: 2_000 });

  notifier.runFailed(failedRun(1));
  await notifier.finished(summary([failedRun(1)]));
  await notifier.close();

  assert.equal(warnings.length, 2);
  assert.match(
    warnings[0] as string,
    /^notify: email to me@lab\.org, you@lab\.org via smtp:\/\/127\.0\.0\.1:\d+ failed: .*ECONNREFUSED.*; continuing$/,
  );
  assert.doesNotMatch(warnings.join('\n'), /hunter2/);
});
