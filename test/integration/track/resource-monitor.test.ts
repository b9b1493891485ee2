import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import type { MetricPoint } from '../../../src/domain/index.js';
import { ResourceMonitor } from '../../../src/track/resource-monitor.js';

test('samples CPU and memory of a whole busy process group', { skip: process.platform !== 'linux', timeout: 20_000 }, async (t) => {
  // The leader only waits; the CPU is burnt by its two children, in the same group.
  const child = spawn('sh', ['-c', '(while :; do :; done) & (while :; do :; done) & wait'], { detached: true, stdio: 'ignore' });
  t.after(() => process.kill(-child.pid!, 'SIGKILL'));
  const samples: MetricPoint[][] = [];
  const monitor = new ResourceMonitor({ pid: child.pid!, intervalMs: 200, onSample: (points) => samples.push(points) });
  monitor.start();
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (samples.length >= 3) {
        clearInterval(poll);
        resolve();
      }
    }, 50);
  });
  monitor.stop();
  const last = new Map(samples.at(-1)!.map((p) => [p.key, p]));
  assert.ok(last.get('sys.cpu_percent')!.value! > 10, `cpu ${last.get('sys.cpu_percent')!.value}`);
  assert.ok(last.get('sys.rss_mb')!.value! > 0);
  assert.deepEqual(
    samples.map((s) => s[0]!.step),
    samples.map((_, i) => i),
    'steps count the samples',
  );
  const count = samples.length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(samples.length, count, 'nothing after stop');
});

test('a group that no longer exists yields no samples', { skip: process.platform !== 'linux' }, async () => {
  const samples: MetricPoint[][] = [];
  const monitor = new ResourceMonitor({ pid: 2 ** 22 + 1, intervalMs: 20, onSample: (points) => samples.push(points) });
  monitor.start();
  await new Promise((resolve) => setTimeout(resolve, 150));
  monitor.stop();
  assert.deepEqual(samples, []);
});
