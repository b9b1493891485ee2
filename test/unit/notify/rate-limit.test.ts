import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNotifier } from '../../../src/notify/index.js';
import type { NotifyConfig } from '../../../src/spec/types.js';
import { failedRun, summary } from './notices.js';
import { webhookSink } from './sinks.js';

/** A console channel writing into an array, and a clock the test moves by hand. */
function consoleNotifier(config: Partial<NotifyConfig> = {}) {
  const lines: string[] = [];
  const clock = { now: 1_000_000 };
  const notifier = createNotifier([{ channel: 'console', on: ['finished', 'failed'], minInterval: 60, ...config } as NotifyConfig], {
    warn: assert.fail,
    now: () => clock.now,
    say: (line: string) => lines.push(line),
  });
  return { notifier, lines, clock };
}

test('five failures within min_interval give one notice, and the summary counts the four held back', async () => {
  const { notifier, lines, clock } = consoleNotifier();

  for (let id = 1; id <= 5; id++) {
    notifier.runFailed(failedRun(id));
    clock.now += 10_000;
  }
  await notifier.finished(summary([1, 2, 3, 4, 5].map((id) => failedRun(id))));
  await notifier.close();

  assert.deepEqual(lines, [
    'sweep: run 1 failed (attempt 1, exit code 1): ValueError: run 1 diverged',
    'sweep finished — 43 completed, 5 failed in 12m 34s (4 earlier failure notices were held back by min_interval)',
  ]);
});

test('the first notice after the interval mentions the ones held back before it', async () => {
  const { notifier, lines, clock } = consoleNotifier({ minInterval: 30 });

  notifier.runFailed(failedRun(1));
  clock.now += 5_000;
  notifier.runFailed(failedRun(2));
  notifier.runFailed(failedRun(3));
  clock.now += 30_000;
  notifier.runFailed(failedRun(4));
  await notifier.finished(summary([]));
  await notifier.close();

  assert.equal(lines.length, 3);
  assert.match(lines[1] as string, /^sweep: run 4 failed .*diverged \(2 earlier failure notices were held back by min_interval\)$/);
  assert.doesNotMatch(lines[2] as string, /held back/);
});

test('min_interval 0 sends every failure; on: [finished] sends none of them', async () => {
  const every = consoleNotifier({ minInterval: 0 });
  const endOnly = consoleNotifier({ on: ['finished'] });
  for (const { notifier } of [every, endOnly]) {
    for (let id = 1; id <= 3; id++) notifier.runFailed(failedRun(id));
    await notifier.finished(summary([]));
    await notifier.close();
  }
  assert.equal(every.lines.length, 4);
  assert.equal(endOnly.lines.length, 1);
  assert.match(endOnly.lines[0] as string, /finished/);
});

test('channels are limited separately, and a slow channel gets no backlog', async (t) => {
  const sink = await webhookSink(t, 200, 100);
  const lines: string[] = [];
  const notifier = createNotifier(
    [
      { channel: 'console', on: ['failed'], minInterval: 0 },
      { channel: 'webhook', url: sink.url, on: ['finished', 'failed'], minInterval: 0 },
    ],
    { warn: assert.fail, say: (line: string) => lines.push(line) },
  );

  for (let id = 1; id <= 5; id++) notifier.runFailed(failedRun(id));
  await notifier.finished(summary([]));
  await notifier.close();

  assert.equal(lines.length, 5);
  assert.equal(sink.bodies.length, 3, 'two failure notices, then the summary');
  assert.deepEqual(
    sink.bodies.map((b) => [b.event, b.suppressed]),
    [
      ['failed', 0],
      ['failed', 0],
      ['finished', 3],
    ],
  );
});

test('after close, notices are ignored and nothing throws', async () => {
  const { notifier, lines } = consoleNotifier();
  await notifier.close();
  notifier.runFailed(failedRun(1));
  await notifier.finished(summary([]));
  await notifier.close();
  assert.deepEqual(lines, []);
});
