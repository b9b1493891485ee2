import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoPath } from './paths.js';

const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests are skipped here, or false when Debian's chromium is installed. */
export const SKIP_WITHOUT_CHROMIUM = existsSync(CHROMIUM)
  ? false
  : `no ${CHROMIUM}: install Debian's chromium (make test and .ci/run do) to run the dashboard's browser tests`;

const SCREENSHOTS = repoPath('test-artifacts', 'dashboard');

/** A page of a headless Chromium that the test closes; the test fails if the page threw. */
export async function launchPage(t: TestContext, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  t.after(() => assert.deepEqual(errors, [], 'the page threw'));
  return page;
}

/** A full-page screenshot kept in test-artifacts/dashboard/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
