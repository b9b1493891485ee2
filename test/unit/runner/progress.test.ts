import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLog } from '../../../src/cli/log.js';
import { describe, formatSeconds, Progress } from '../../../src/runner/progress.js';
import type { StateCounts } from '../../../src/runner/session.js';

const counts = (c: Partial<StateCounts>): StateCounts => ({ PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0, ...c });

test('the progress line counts runs by state and estimates the time left from this worker’s rate', () => {
  const line = describe(counts({ COMPLETED: 12, RUNNING: 2, FAILED: 1, PENDING: 30 }), 10, 5_000);
  assert.equal(line, '12/45 done · 2 running · 1 failed · 30 pending · 2.0 runs/s · ETA 16s');
  assert.equal(describe(counts({ PENDING: 3 }), 0, 1_000, 'stopping'), '0/3 done · 0 running · 3 pending — stopping');
  assert.equal(formatSeconds(125), '2m05s');
  assert.equal(formatSeconds(7_300), '2h01m');
});

test('on a terminal the line is redrawn in place and cleared before other output; elsewhere plain timestamped lines', async () => {
  const tty: string[] = [];
  let now = 0;
  const live = new Progress({
    tty: true,
    write: (t) => tty.push(t),
    counts: async () => counts({ RUNNING: 1, PENDING: 1 }),
    now: () => now,
    intervalMs: 60_000,
  });
  live.start();
  await new Promise((resolve) => setImmediate(resolve)); // the first line is drawn
  now = 1_000;
  live.runFinished();
  const { log, sink } = createLog({ write: (t: string) => tty.push(t) > 0 }, {}, {});
  sink.beforeLine = () => live.clear();
  log.info('run 1 failed');
  await live.stop();
  assert.ok(tty[0]?.startsWith('\r\x1b[2K0/2 done · 1 running'), JSON.stringify(tty));
  assert.ok(tty.includes('labbook: run 1 failed\n'));
  assert.ok(
    tty.indexOf('labbook: run 1 failed\n') > 0 && tty[tty.indexOf('labbook: run 1 failed\n') - 1] === '\r\x1b[2K',
    'the live line is cleared first',
  );

  const plain: string[] = [];
  const periodic = new Progress({
    tty: false,
    write: (t) => plain.push(t),
    counts: async () => counts({ COMPLETED: 2 }),
    now: () => 0,
    intervalMs: 10,
  });
  periodic.start();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await periodic.stop();
  assert.ok(plain.length >= 1);
  assert.match(plain[0] as string, /^1970-01-01T00:00:00.000Z 2\/2 done · 0 running · 0 pending\n$/);
  assert.ok(
    plain.every((line) => !line.includes('\r')),
    'no terminal control characters off a terminal',
  );
});
