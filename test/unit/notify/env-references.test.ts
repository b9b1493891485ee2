import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNotifier } from '../../../src/notify/index.js';
import { loadSpecText } from '../../../src/spec/index.js';
import { maskSpecSecrets } from '../../../src/spec/mask-secrets.js';
import { failedRun } from './notices.js';
import { webhookSink } from './sinks.js';

const SPEC = `name: x
parameters: {a: [1]}
notify:
  - webhook: \${env:LAB_SLACK_HOOK}
    min_interval: 0
  - email: {to: [me@lab.org], smtp: "\${env:LAB_SMTP}"}
`;

test('a spec names its webhook and SMTP server by environment variable, and keeps no secret', () => {
  const { spec, raw } = loadSpecText(SPEC, 'sweep.yaml');
  const [webhook] = spec.notify;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the reference as the spec writes it
  assert.equal(webhook?.channel === 'webhook' && webhook.url, '${env:LAB_SLACK_HOOK}');
  assert.deepEqual(maskSpecSecrets(raw as never), raw, 'references are no secrets: shown as written');
});

test('the notifier reads the variable when it sends', async (t) => {
  const sink = await webhookSink(t);
  const [webhook] = loadSpecText(SPEC, 'sweep.yaml').spec.notify;
  const notifier = createNotifier([webhook!], { warn: assert.fail, env: { LAB_SLACK_HOOK: sink.url } });
  notifier.runFailed(failedRun(3));
  await notifier.close();
  assert.equal(sink.bodies.length, 1);
  assert.equal(sink.bodies[0]?.event, 'failed');
});

test('an unset variable becomes a warning that names it; the sweep goes on', async () => {
  const warnings: string[] = [];
  const notifier = createNotifier(loadSpecText(SPEC, 'sweep.yaml').spec.notify, { warn: (m) => warnings.push(m), env: {} });
  notifier.runFailed(failedRun(3));
  await notifier.close();
  assert.equal(warnings.length, 2);
  assert.match(warnings[0] ?? '', /webhook \$\{env:LAB_SLACK_HOOK\} failed: .*LAB_SLACK_HOOK is not set/);
  assert.match(warnings[1] ?? '', /via \$\{env:LAB_SMTP\} failed: .*LAB_SMTP is not set/);
});

test('literal webhook URLs and SMTP logins are masked; what is not a URL is hidden whole', () => {
  const masked = maskSpecSecrets({
    name: 'x',
    notify: [
      'console',
      { webhook: 'https://hooks.slack.com/services/T0/B0/SECRET?x=1' },
      { webhook: 'not a url SECRET' },
      { email: { to: ['me@lab.org'], smtp: 'smtps://user:SECRET@mail.lab.org:465' } },
    ],
  });
  assert.deepEqual(masked, {
    name: 'x',
    notify: [
      'console',
      { webhook: 'https://hooks.slack.com/…' },
      { webhook: '…' },
      { email: { to: ['me@lab.org'], smtp: 'smtps://…@mail.lab.org:465' } },
    ],
  });
});
