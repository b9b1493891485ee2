import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchPage, SKIP_WITHOUT_CHROMIUM, screenshot } from '../helpers/browser.js';
import { startApi, XSS } from '../helpers/http-api.js';

test('studies, lineage and leaderboards: history and Pareto charts, a walk to a dataset, an incomparable entry flagged', {
  skip: SKIP_WITHOUT_CHROMIUM,
}, async (t) => {
  const { url } = await startApi(t);
  const page = await launchPage(t);

  // A study: its five COMPLETE trials charted with the best so far; the best trial (5, loss 0.1) stands out.
  await page.goto(url);
  await page.getByRole('link', { name: 'Studies', exact: true }).click();
  await page.waitForURL(/\/studies$/);
  assert.equal(await page.locator(`[data-study="${XSS.replaceAll('"', '\\"')}"] th`).textContent(), XSS, 'a name in HTML is text');
  await page.getByRole('link', { name: 'quad', exact: true }).click();
  await page.waitForURL(/\/studies\/quad$/);
  await page.locator('[data-chart="history"][data-points="5"] canvas').waitFor();
  assert.match((await page.locator('.study p.muted').textContent()) ?? '', /best: trial 5, 0\.1/);
  assert.equal(await page.locator('tr.best').getAttribute('data-trial'), '5');
  assert.equal(await page.locator('table.trials tbody tr').count(), 6);
  await screenshot(page, '12-study-history');

  // Two objectives: the Pareto front, three of four trials, drawn filled.
  await page.goto(`${url}/studies/tradeoff`);
  await page.locator('svg.pareto[data-front="3"]').waitFor();
  assert.equal(await page.locator('svg.pareto circle.on-front').count(), 3);
  assert.equal(await page.locator('svg.pareto circle.dominated').getAttribute('data-trial'), '2');
  await screenshot(page, '13-study-pareto');

  // The leaderboard: rf (its name HTML) above svc on digits-test; svc on digits-other listed apart, with why.
  await page.getByRole('link', { name: 'Leaderboard', exact: true }).click();
  await page.getByRole('textbox', { name: 'entity filter' }).fill('task=digits metric=accuracy');
  await page.getByRole('button', { name: 'Rank' }).click();
  await page.waitForURL(/\/leaderboard\?filter=task%3Ddigits\+metric%3Daccuracy$/);
  await page.locator('table.ranked tbody tr').nth(1).waitFor();
  assert.deepEqual(await page.locator('table.ranked tbody th').allInnerTexts(), [XSS, 'svc']);
  const flagged = page.locator('tr.incomparable[data-incomparable="svc"]');
  assert.match((await flagged.locator('.reason').textContent()) ?? '', /⚠ .*data/);
  assert.match((await flagged.textContent()) ?? '', /digits-other/);
  assert.equal(await page.evaluate('window.__xss'), undefined, 'HTML in a model name is shown as text');
  await screenshot(page, '14-leaderboard-incomparable');

  // From svc's evaluation on digits-test, its lineage: the model, then the dataset it was trained on; a click walks on.
  await page.locator('table.ranked tbody tr[data-rank="2"] th a').first().click();
  await page.waitForURL(/\/lineage\/[0-9a-f]+\?direction=upstream$/);
  await page.locator('.lineage-graph [data-entity="dataset:digits-train"]').waitFor();
  assert.deepEqual(
    (await page.locator('.lineage-graph .node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-entity')))).sort(),
    ['dataset:digits-test', 'dataset:digits-train', 'evaluation:svc-on-test', 'model:svc'],
  );
  assert.deepEqual(
    (await page.locator('.lineage-graph .edge').evaluateAll((edges) => edges.map((e) => e.getAttribute('data-edge')))).sort(),
    ['evaluated_on', 'predicted_by', 'trained_on'],
  );
  await screenshot(page, '15-lineage-upstream');
  await page.locator('.lineage-graph [data-entity="dataset:digits-train"]').click();
  await page.getByRole('link', { name: /downstream/ }).click();
  await page.waitForURL(/direction=downstream$/);
  await page.locator(`.lineage-graph [data-entity="model:${XSS.replaceAll('"', '\\"')}"]`).waitFor();
  assert.match((await page.locator('.lineage h2').textContent()) ?? '', /Lineage of dataset digits-train/);
  assert.equal(await page.evaluate('window.__xss'), undefined);
  await screenshot(page, '16-lineage-downstream');
});
