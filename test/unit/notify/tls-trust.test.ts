import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { NotifyConfig } from '../../../src/spec/types.js';
import { repoPath } from '../../helpers/paths.js';
import { processEnv } from '../../helpers/project.js';
import { testCaFile, testServerCredentials } from '../../helpers/tls-fixtures.js';
import { httpsWebhookSink, smtpSink } from './sinks.js';

const webhook = (url: string): NotifyConfig => ({ channel: 'webhook', url, on: ['finished'], minInterval: 0 }) as NotifyConfig;
const email = (smtp: string): NotifyConfig =>
  ({ channel: 'email', to: ['me@lab.org'], from: 'labbook@lab.org', smtp, on: ['finished'], minInterval: 0 }) as NotifyConfig;

/** The warnings of one notice sent by test/fixtures/notify-once.ts, started with no CA file but that of `caVariables`. */
async function notifyFromProcess(config: NotifyConfig, caVariables: NodeJS.ProcessEnv): Promise<string[]> {
  const { NODE_EXTRA_CA_CERTS: _ofThisProcess, ...env } = processEnv();
  const script = repoPath('dist', 'test', 'fixtures', 'notify-once.js');
  const { stdout } = await promisify(execFile)(process.execPath, [script, JSON.stringify(config)], { env: { ...env, ...caVariables } });
  return JSON.parse(stdout) as string[];
}

test('an HTTPS webhook signed by a CA of $NODE_EXTRA_CA_CERTS is trusted', async (t) => {
  const sink = await httpsWebhookSink(t, testServerCredentials);

  const warnings = await notifyFromProcess(webhook(sink.url), { NODE_EXTRA_CA_CERTS: testCaFile });

  assert.deepEqual(warnings, []);
  assert.equal(sink.bodies.length, 1);
  assert.equal(sink.bodies[0]?.event, 'finished');
  assert.equal(sink.bodies[0]?.contentType, 'application/json');
});

test('without that CA, the HTTPS webhook fails certificate verification', async (t) => {
  const sink = await httpsWebhookSink(t, testServerCredentials);

  const warnings = await notifyFromProcess(webhook(sink.url), {});

  assert.equal(sink.bodies.length, 0);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] as string,
    /^notify: webhook https:\/\/127\.0\.0\.1:\d+\/… failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE; continuing$/,
  );
});

test('an smtps:// server signed by a CA of $NODE_EXTRA_CA_CERTS is trusted', async (t) => {
  const sink = await smtpSink(t, testServerCredentials);

  const warnings = await notifyFromProcess(email(sink.url), { NODE_EXTRA_CA_CERTS: testCaFile });

  assert.deepEqual(warnings, []);
  assert.equal(sink.mails.length, 1);
  assert.match(String(sink.mails[0]?.subject), /^labbook: sweep finished/);
});

test('without that CA, the smtps:// server fails certificate verification', async (t) => {
  const sink = await smtpSink(t, testServerCredentials);

  const warnings = await notifyFromProcess(email(sink.url), {});

  assert.equal(sink.mails.length, 0);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] as string,
    /^notify: email to me@lab\.org via smtps:\/\/127\.0\.0\.1:\d+ failed: unable to verify the first certificate(; if the root CA is installed locally, try running Node\.js with --use-system-ca)?; continuing$/,
  );
});
