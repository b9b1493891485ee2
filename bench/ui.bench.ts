/**
 * The dashboard in headless Chromium (Debian's chromium; skipped without it), served by
 * `labbook ui` on 127.0.0.1:
 * - the runs table of 100,000 runs: from the page's navigation to its first rows (target ≤ 1.5 s);
 * - a metric of 1,000,000 points charted in the run view: from the navigation to the chart
 *   drawn, the server downsampling it (M4, from the series' blocks) to what the chart shows (target ≤ 500 ms);
 * - 20 live runs logging 10 points/s each, the page charting one of them: the frame time
 *   (requestAnimationFrame intervals) over 10 s, p95 and worst (a page that keeps up: ~16.7 ms).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Queue } from '../src/queue/queue.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const LIVE_RUNS = 20;
const POINTS_PER_SECOND = 10;
const LIVE_SECONDS = 10;

/** 100,000 runs (experiment `big`), and experiment `long` whose run has 1,000,000 points and `live` with 20 running runs. */
async function buildStore(project: string): Promise<{ longRun: number; liveRuns: number[]; store: SqliteStore }> {
  const dir = join(project, '.labbook');
  mkdirSync(dir);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  const queue = new Queue(store);
  await queue.enqueue(defineExperiment({ name: 'big', parameters: { a: 'range(100)', b: 'range(1000)' } }));
  await queue.enqueue(defineExperiment({ name: 'long', parameters: { x: [1] } }));
  await queue.enqueue(defineExperiment({ name: 'live', parameters: { i: `range(${LIVE_RUNS})` } }));
  const id = (experiment: string) =>
    (
      store.database
        .prepare('SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE e.name = ? ORDER BY r.id')
        .all(experiment) as Array<{ id: number }>
    ).map((r) => r.id);
  const [longRun] = id('long') as [number];
  const liveRuns = id('live');
  store.database
    .prepare(
      "UPDATE runs SET state = 'RUNNING', attempt = 1 WHERE experiment_id IN (SELECT id FROM experiments WHERE name IN ('long', 'live'))",
    )
    .run();
  for (let start = 0; start < 1_000_000; start += 100_000) {
    const points = Array.from({ length: 100_000 }, (_, i) => ({
      key: 'loss',
      step: start + i,
      value: Math.sin((start + i) / 5000) + ((start + i) % 977) / 977,
      at: start + i,
    }));
    await store.appendMetrics(longRun, 1, points);
  }
  return { longRun, liveRuns, store };
}

/** Milliseconds from navigating to `url` until `selector` is in the page. */
async function timeTo(page: import('playwright-core').Page, url: string, selector: string): Promise<number> {
  await page.goto('about:blank');
  const start = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(selector).first().waitFor({ timeout: 60_000 });
  return performance.now() - start;
}

if (!existsSync(CHROMIUM)) {
  process.stdout.write(
    `${JSON.stringify({ name: 'ui', skipped: `no ${CHROMIUM}: install Debian's chromium to measure the dashboard` })}\n`,
  );
} else {
  const dir = scratchDir();
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const env = { ...process.env, XDG_RUNTIME_DIR: runtime };
  const labbook = (args: string[]) => spawnSync(join(ROOT, 'bin', 'labbook'), args, { cwd: dir, env, encoding: 'utf8' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const { longRun, liveRuns, store } = await buildStore(dir);
    const ui = labbook(['ui', '--no-open', '--port', '0', '--json']);
    if (ui.status !== 0) throw new Error(`labbook ui failed: ${ui.stderr}`);
    const { url } = JSON.parse(ui.stdout) as { url: string };
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await timeTo(page, `${url}runs?experiments=big`, '[data-total="100000"]'); // warms the engine's and the browser's caches once
    const table = await timeTo(page, `${url}runs?experiments=big&sort=b&desc=1`, '.scroller .row a');
    report({ name: 'ui_runs_table_100k_first_rows', value: table, unit: 'ms', target: '<= 1500 ms' });

    const chart = await timeTo(page, `${url}runs/${longRun}`, '[data-chart="loss"] canvas');
    const shown = Number(await page.locator('[data-chart="loss"]').getAttribute('data-points'));
    report({ name: 'ui_chart_1m_points', value: chart, unit: 'ms', pointsDrawn: shown, target: '<= 500 ms' });

    await page.goto(`${url}runs/${liveRuns[0]}`);
    await page.locator('h2', { hasText: 'RUNNING' }).waitFor();
    await page.evaluate(
      `window.__frames = []; (function tick(t) { window.__frames.push(t); requestAnimationFrame(tick); })(performance.now())`,
    );
    let step = 0;
    const logging = setInterval(() => {
      const at = Date.now();
      for (const run of liveRuns) void store.appendMetrics(run, 1, [{ key: 'loss', step, value: 1 / (step + 1), at }]);
      step++;
    }, 1000 / POINTS_PER_SECOND);
    await new Promise((resolve) => setTimeout(resolve, LIVE_SECONDS * 1000));
    clearInterval(logging);
    const frames = (await page.evaluate('window.__frames')) as number[];
    const gaps = frames
      .slice(1)
      .map((t, i) => t - (frames[i] as number))
      .sort((a, b) => a - b);
    const charted = Number(await page.locator('[data-chart="loss"]').getAttribute('data-points'));
    report({
      name: 'ui_live_20_runs_10_points_per_second_frame_time_p95',
      value: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
      unit: 'ms',
      worstMs: gaps.at(-1) ?? 0,
      frames: frames.length,
      pointsLogged: step * LIVE_RUNS,
      pointsChartedOfOneRun: charted,
      target: '~16.7 ms (60 frames/s)',
    });
    await store.close();
  } finally {
    await browser.close();
    labbook(['engine', 'stop']);
    removeScratch(dir);
  }
}
