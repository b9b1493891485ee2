import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchPage, SKIP_WITHOUT_CHROMIUM, screenshot } from '../helpers/browser.js';
import { attachArtifact, startApi, T0, XSS } from '../helpers/http-api.js';
import { webhookSink } from '../helpers/webhook-sink.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The page is no wider than the screen: nothing but the tables' own scroll boxes scrolls sideways. */
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, width } = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, width: window.innerWidth })')) as {
    scroll: number;
    width: number;
  };
  assert.ok(scroll <= width, `${page.url()}: the page is ${scroll}px wide on a ${width}px screen`);
}

test('groups, previews, notifications, keyboard and a phone: the dashboard views beyond the first', {
  skip: SKIP_WITHOUT_CHROMIUM,
}, async (t) => {
  const { url, store } = await startApi(t);
  // Run 3 (model rf) failed after logging a loss: bands of two models, svc of two runs.
  await store.appendMetrics(
    3,
    1,
    [0, 1, 2, 3].map((step) => ({ key: 'val.loss', step, value: 2 - step / 4, at: T0 + step })),
  );
  await attachArtifact(t, store, 1, 'scores.tsv', `step\tnote\n0\t${XSS}\n1\tplain\n`);
  await attachArtifact(t, store, 1, 'curve.png', PNG);
  await attachArtifact(t, store, 1, 'model.pt', 'not a table');
  const good = await webhookSink(t, 200);
  const broken = await webhookSink(t, 500);
  await store.saveExperiment(
    'hooked',
    { name: 'hooked', command: 'true', notify: ['console', { webhook: good.url }, { webhook: broken.url }] },
    T0,
  );
  const page = await launchPage(t);

  // Groups: mean ± std bands of val.loss by model, parallel coordinates of every cv run; the URL keeps the choices.
  await page.goto(`${url}/runs?experiments=cv`);
  await page.getByRole('link', { name: /Groups: bands/ }).click();
  await page.waitForURL(/\/groups\?experiments=cv$/);
  await page.getByRole('combobox', { name: 'metric' }).selectOption('val.loss');
  await page.getByRole('combobox', { name: 'group by' }).selectOption('model');
  await page.waitForURL(/metric=val.loss&by=model/);
  await page.locator('.bands[data-bands="2"] canvas').waitFor();
  const parallel = page.locator('svg.parallel[data-lines="4"]');
  await parallel.waitFor();
  assert.equal(await parallel.getAttribute('data-axes'), 'lr,model,metrics.val.loss');
  assert.equal(await parallel.locator('polyline').count(), 4);
  await screenshot(page, '8-groups-bands-parallel');
  await page.getByRole('combobox', { name: 'group by' }).selectOption('lr');
  await page.locator('.bands[data-bands="3"]').waitFor();
  await page.reload();
  await page.locator('.bands[data-bands="3"]').waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'group by' }).inputValue(), 'lr', 'the URL holds the view');

  // Run detail: the TSV's first rows as a table (its HTML as text), the PNG inline, the rest a download.
  await page.goto(`${url}/runs/1`);
  const tsv = page.locator('[data-artifact="scores.tsv"][data-preview="table"]');
  await tsv.waitFor();
  assert.deepEqual(await tsv.locator('th').allInnerTexts(), ['step', 'note']);
  assert.deepEqual(await tsv.locator('tbody tr').first().locator('td').allInnerTexts(), ['0', XSS]);
  assert.deepEqual(await page.locator('[data-artifact="predictions.csv"] tbody td').allInnerTexts(), ['0', '0.9']);
  const image = page.locator('[data-artifact="curve.png"] img');
  await image.waitFor();
  await page.waitForFunction('document.querySelector(\'[data-artifact="curve.png"] img\')?.naturalWidth === 1');
  await page.locator('[data-artifact="model.pt"][data-preview="none"]').waitFor();
  assert.equal(await page.locator('[data-artifact="model.pt"] a').getAttribute('type'), 'application/x-pytorch');
  assert.equal(await page.evaluate('window.__xss'), undefined, 'HTML in a table cell is shown as text');
  await screenshot(page, '9-run-artifact-previews');

  // An experiment's notifications, masked, and a test message sent to a local webhook.
  await page.goto(url);
  await page.getByRole('link', { name: 'details of hooked' }).click();
  await page.waitForURL(/\/experiments\/hooked$/);
  const channels = page.locator('.channels li');
  await channels.nth(2).waitFor();
  assert.doesNotMatch((await page.content()) ?? '', /HOOKSECRET/, 'not in the page, not in an attribute');
  assert.equal(await channels.nth(0).getByRole('button').count(), 0, 'the console has nothing to test');
  await page.getByRole('button', { name: 'send a test message to channel 1' }).click();
  await channels.nth(1).getByRole('status').filter({ hasText: 'sent' }).waitFor();
  assert.deepEqual(
    good.bodies.map((b) => [b.event, b.experiment]),
    [['test', 'hooked']],
  );
  await page.getByRole('button', { name: 'send a test message to channel 2' }).click();
  await channels
    .nth(2)
    .getByRole('status')
    .filter({ hasText: /not sent: .*HTTP 500/ })
    .waitFor();
  await screenshot(page, '10-experiment-notifications');

  // The runs table from the keyboard: ↓ ↓ makes run 2 current, x picks it, Enter opens it.
  await page.goto(`${url}/runs?experiments=cv`);
  await page.locator('[data-total="4"]').waitFor();
  await page.locator('[aria-rowindex="2"]').getByRole('link').waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('j');
  await page.locator('[aria-rowindex="2"][aria-selected="true"]').waitFor();
  await page.keyboard.press('x');
  assert.equal(await page.getByRole('checkbox', { name: 'pick run 2' }).isChecked(), true);
  await page.keyboard.press('k');
  await page.locator('[aria-rowindex="1"][aria-selected="true"]').waitFor();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/runs\/1$/);

  // A phone: every view fits the screen's width.
  const phone = await launchPage(t, { width: 390, height: 844 });
  for (const [path, ready] of [
    ['/', 'tr[data-experiment="cv"]'],
    ['/runs?experiments=cv', '[data-total="4"]'],
    ['/runs/1', '[data-artifact="scores.tsv"][data-preview="table"]'],
    ['/groups?experiments=cv&metric=val.loss&by=model', 'svg.parallel'],
    ['/experiments/hooked', '.channels li'],
    ['/compare?a=1&b=2', 'table[data-diff="Parameters"]'],
  ] as const) {
    await phone.goto(`${url}${path}`);
    await phone.locator(ready).first().waitFor();
    await fitsWidth(phone);
  }
  await phone.goto(`${url}/groups?experiments=cv&metric=val.loss&by=model`);
  await phone.locator('.bands canvas').waitFor();
  await screenshot(phone, '11-phone-groups');
});
