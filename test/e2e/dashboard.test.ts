import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchPage, SKIP_WITHOUT_CHROMIUM, screenshot } from '../helpers/browser.js';
import { cliProcess } from '../helpers/cli.js';
import { engineEnv } from '../helpers/engine.js';
import { startLabbook } from '../helpers/labbook-process.js';
import { project, withoutLabbookVariables } from '../helpers/project.js';
import { writeSpec } from '../helpers/specs.js';

const XSS = '<img src=x onerror="window.__xss=1">';

/**
 * A run that logs `loss` for 5 steps, then waits for the file `go` before 5 more: the test
 * decides when the chart it watches gets new points. Metrics go over fd 3 (docs/protocol.md).
 */
const STEPS = String.raw`
import json, os, sys, time
x, go = int(sys.argv[1]), sys.argv[2]
def log(step):
    os.write(3, (json.dumps({'type': 'metrics', 'values': {'loss': 1.0 / (step + x)}, 'step': step}) + '\n').encode())
for step in range(5):
    log(step)
while not os.path.exists(go):
    time.sleep(0.05)
for step in range(5, 10):
    log(step)
`;

test('the dashboard follows a sweep live: counts, a query and its syntax error, a chart, a comparison', {
  skip: SKIP_WITHOUT_CHROMIUM,
}, async (t) => {
  const dir = await project(t);
  writeFileSync(join(dir, 'steps.py'), STEPS);
  const go = join(dir, 'go');
  writeSpec(
    dir,
    `
name: live
parameters:
  x: [1, 2, 3, 4]
  note: ['${XSS}']
command: [python3, ${join(dir, 'steps.py')}, '{x}', ${go}]
`,
  );
  const env = { ...engineEnv(t, dir), CI: '1' };
  assert.equal(cliProcess(dir, ['add', 'sweep.yaml'], env).code, 0);
  const ui = cliProcess(dir, ['ui', '--port', '0', '--json'], env);
  assert.equal(ui.code, 0, ui.stderr);
  const { url } = JSON.parse(ui.stdout) as { url: string };
  const page = await launchPage(t);

  // Experiments: 4 pending; the sweep starts and two runs are seen RUNNING without a reload.
  await page.goto(url);
  const count = (state: string) => page.locator(`tr[data-experiment="live"] td[data-count="${state}"]`);
  await count('PENDING').filter({ hasText: '4' }).waitFor();
  const sweep = startLabbook(t, dir, ['run', 'sweep.yaml', '-j', '2'], { ...withoutLabbookVariables(env) });
  await count('RUNNING').filter({ hasText: '2' }).waitFor();
  await count('PENDING').filter({ hasText: '2' }).waitFor();
  await screenshot(page, '1-experiments-live');

  // Runs: a query with a syntax error shows it with its caret; a good one filters.
  await page.getByRole('link', { name: 'live', exact: true }).click();
  await page.locator('[data-total="4"]').waitFor();
  await page.getByRole('textbox', { name: 'query' }).fill('x >');
  await page.keyboard.press('Enter');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /LB_QUERY_SYNTAX/);
  assert.match((await alert.textContent()) ?? '', /x >\n\s*\^/);
  assert.match(page.url(), /query=x\+%3E|query=x%20%3E/);
  await screenshot(page, '2-query-syntax-error');
  await page.getByRole('textbox', { name: 'query' }).fill('x >= 3');
  await page.keyboard.press('Enter');
  await page.locator('[data-total="2"]').waitFor();
  await page.getByText(XSS).first().waitFor();
  assert.equal(await page.evaluate('window.__xss'), undefined, 'HTML in a parameter is shown as text');
  await screenshot(page, '3-runs-filtered');

  // A run: its loss chart has 5 points, then 10 once the run goes on, without a reload.
  await page.goto(`${url}runs/1`);
  const chart = page.locator('[data-chart="loss"]');
  await chart.and(page.locator('[data-points="5"]')).waitFor();
  writeFileSync(go, '');
  await chart.and(page.locator('[data-points="10"]')).waitFor();
  await page.locator('.badge', { hasText: 'COMPLETED' }).waitFor();
  await screenshot(page, '4-run-chart-live');

  // Compare: tick two runs, see their curves overlaid and their parameters side by side.
  assert.equal((await sweep.exited).code, 0, sweep.stderr());
  await page.goto(`${url}runs?experiments=live`);
  await page.getByRole('checkbox', { name: 'pick run 1' }).check();
  await page.getByRole('checkbox', { name: 'pick run 2' }).check();
  await page.getByRole('button', { name: /Compare 2\/2/ }).click();
  await page.waitForURL(/\/compare\?a=1&b=2$/);
  const params = page.locator('table[data-diff="Parameters"]');
  await params.locator('tr', { hasText: 'x' }).waitFor();
  assert.deepEqual(await params.locator('tbody tr').first().locator('td').allInnerTexts(), ['1', '2']);
  await page.locator('[data-chart="loss"][data-points="20"]').waitFor();
  await screenshot(page, '5-compare');

  // Dark theme, remembered.
  // The page applies the theme after it renders: wait for it rather than read it at once.
  const dark = page.locator('html[data-theme="dark"]');
  await page.getByRole('button', { name: 'switch theme' }).click();
  await dark.waitFor({ state: 'attached' });
  await page.reload();
  await dark.waitFor({ state: 'attached' });
  await screenshot(page, '6-compare-dark');
});

test('the runs table scrolls through 100,000 runs, reading only the rows in view', { skip: SKIP_WITHOUT_CHROMIUM }, async (t) => {
  const dir = await project(t);
  writeSpec(dir, 'name: big\nparameters:\n  a: range(100)\n  b: range(1000)\ncommand: "true"\n');
  const env = { ...engineEnv(t, dir), CI: '1' };
  assert.equal(cliProcess(dir, ['add', 'sweep.yaml'], env).code, 0);
  const { url } = JSON.parse(cliProcess(dir, ['ui', '--port', '0', '--json'], env).stdout) as { url: string };
  const page = await launchPage(t);
  const pages: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/runs?')) pages.push(request.url());
  });
  await page.goto(`${url}runs?sort=b&desc=1`);
  await page.locator('[data-total="100000"]').waitFor();
  assert.ok((await page.locator('.scroller .row').count()) < 60, 'only the rows in view are in the page');
  await page.locator('.scroller').evaluate((element) => {
    element.scrollTop = 99_990 * 28;
  });
  await page.locator('[aria-rowindex="100000"]').getByRole('link').waitFor();
  assert.ok(pages.length <= 6, `read ${pages.length} pages of 200 rows, not 500`);
  await page.keyboard.press('/');
  assert.equal(await page.evaluate("document.activeElement?.getAttribute('aria-label')"), 'query');
  await screenshot(page, '7-runs-100000');
});
