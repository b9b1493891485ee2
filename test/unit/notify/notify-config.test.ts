import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabbookError } from '../../../src/errors.js';
import { loadSpecText, parseNotifyOption } from '../../../src/spec/index.js';

const BASE = 'name: x\nparameters: {a: [1]}\n';
const notifyOf = (yaml: string) => loadSpecText(`${BASE}${yaml}`, 'sweep.yaml').spec.notify;
const BOTH = ['finished', 'failed'];

test('without notify: the console is notified of both events, once a minute at most for failures', () => {
  assert.deepEqual(notifyOf(''), [{ channel: 'console', on: BOTH, minInterval: 60 }]);
});

test('notify: [] turns notifications off', () => {
  assert.deepEqual(notifyOf('notify: []\n'), []);
});

test('each channel form of the spec is normalised, with on and min_interval per entry', () => {
  const yaml = `notify:
  - console
  - webhook: https://hooks.slack.com/services/T/B/X
    on: [failed]
    min_interval: 5m
  - email: me@lab.org
    on: finished
  - email: {to: [me@lab.org, you@lab.org], from: labbook@lab.org, smtp: "smtps://u:p@mail.lab.org:465"}
    min_interval: 0
  - console: true
    min_interval: 90
`;
  assert.deepEqual(notifyOf(yaml), [
    { channel: 'console', on: BOTH, minInterval: 60 },
    { channel: 'webhook', url: 'https://hooks.slack.com/services/T/B/X', on: ['failed'], minInterval: 300 },
    { channel: 'email', to: ['me@lab.org'], on: ['finished'], minInterval: 60 },
    {
      channel: 'email',
      to: ['me@lab.org', 'you@lab.org'],
      from: 'labbook@lab.org',
      smtp: 'smtps://u:p@mail.lab.org:465',
      on: BOTH,
      minInterval: 0,
    },
    { channel: 'console', on: BOTH, minInterval: 90 },
  ]);
});

test('a spec without notify: is stored as written (no notify key is added to the raw spec)', () => {
  assert.equal('notify' in loadSpecText(BASE, 'sweep.yaml').raw, false);
});

const BAD: Array<[string, RegExp]> = [
  ['notify: console\n', /sweep\.yaml:3:1: notify: expected a list of channels/],
  ['notify: [slack]\n', /sweep\.yaml:3:10: notify\[0\]: unknown channel 'slack' \(channels: console, webhook, email\)/],
  ['notify:\n  - email\n', /notify\[0\]: email needs a target; write it as a mapping, e\.g\. - email: me@lab\.org/],
  ['notify:\n  - {on: [failed]}\n', /notify\[0\]: names no channel/],
  ['notify:\n  - {console: true, webhook: "https://x.org"}\n', /notify\[0\]: names console and webhook: give one channel per entry/],
  ['notify:\n  - webhook: hooks.slack.com/x\n', /notify\[0\]\.webhook: 'hooks\.slack\.com\/x' is not an http\(s\) URL/],
  ['notify:\n  - email: {to: []}\n', /notify\[0\]\.email\.to: expected one or more recipients/],
  ['notify:\n  - email: {to: me@lab.org, cc: you@lab.org}\n', /notify\[0\]\.email\.cc: unknown key 'cc'/],
  ['notify:\n  - email: {to: me@lab.org, smtp: "mail.lab.org"}\n', /notify\[0\]\.email\.smtp: 'mail\.lab\.org' is not an SMTP URL/],
  ['notify:\n  - console\n  - webhook: https://x.org\n    on: [done]\n', /sweep\.yaml:6:5: notify\[1\]\.on: unknown event 'done'/],
  ['notify:\n  - console: loud\n', /notify\[0\]\.console: console takes no value/],
  ['notify:\n  - webhook: https://x.org\n    min_interval: -5\n', /notify\[0\]\.min_interval: expected a duration ≥ 0/],
  [
    'notify:\n  - webhook: http://169.254.169.254/latest/meta-data\n',
    /sweep\.yaml:4:5: notify\[0\]\.webhook: 'http:\/\/169\.254\.169\.254\/latest\/meta-data': 169\.254\.169\.254 is a link-local address .*allow_link_local: true/,
  ],
  ['notify:\n  - webhook: "http://[fe80::1]:8080/x"\n', /notify\[0\]\.webhook: .*fe80::1 is a link-local address/],
  ['notify:\n  - webhook: http://0xa9fea9fe/x\n', /169\.254\.169\.254 is a link-local address/],
  ['notify:\n  - webhook: "http://[::ffff:169.254.169.254]/x"\n', /::ffff:a9fe:a9fe is a link-local address/],
  ['notify:\n  - webhook: "http://[fd00:ec2::254]/x"\n', /fd00:ec2::254 is a link-local address/],
  ['notify:\n  - webhook: https://x.org\n    allow_link_local: yes please\n', /notify\[0\]\.allow_link_local: expected true or false/],
  [
    'notify:\n  - email: me@lab.org\n    allow_link_local: true\n',
    /notify\[0\]\.allow_link_local: allow_link_local applies to webhook entries only/,
  ],
];

for (const [yaml, expected] of BAD) {
  test(`a bad notify section is refused: ${JSON.stringify(yaml)}`, () => {
    assert.throws(
      () => notifyOf(yaml),
      (error: unknown) => {
        assert.ok(error instanceof LabbookError);
        assert.equal(error.code, 'LB_SPEC_INVALID');
        assert.match(error.message, expected);
        return true;
      },
    );
  });
}

test('a webhook entry that allows link-local addresses may name one; others stay allowed without it', () => {
  const yaml = `notify:
  - webhook: http://169.254.169.254/hook
    allow_link_local: true
  - webhook: http://10.1.2.3/hook
  - webhook: http://127.0.0.1:9/hook
`;
  assert.deepEqual(
    notifyOf(yaml).map((config) => config.channel === 'webhook' && [config.url, config.allowLinkLocal ?? false]),
    [
      ['http://169.254.169.254/hook', true],
      ['http://10.1.2.3/hook', false],
      ['http://127.0.0.1:9/hook', false],
    ],
  );
});

test('--notify values become the same configs as the spec entries', () => {
  const env = { LABBOOK_SMTP_URL: 'smtp://mail.lab.org:587', LABBOOK_MAIL_FROM: 'bot@lab.org' };
  assert.deepEqual(parseNotifyOption('console', env), { channel: 'console', on: BOTH, minInterval: 60 });
  assert.deepEqual(parseNotifyOption('webhook=https://hooks.slack.com/services/T/B/X?a=b', env), {
    channel: 'webhook',
    url: 'https://hooks.slack.com/services/T/B/X?a=b',
    on: BOTH,
    minInterval: 60,
  });
  assert.deepEqual(parseNotifyOption('email=me@lab.org, you@lab.org', env), {
    channel: 'email',
    to: ['me@lab.org', 'you@lab.org'],
    smtp: 'smtp://mail.lab.org:587',
    from: 'bot@lab.org',
    on: BOTH,
    minInterval: 60,
  });
});

test('--notify email= uses smtp://localhost:25 and labbook@HOST when the environment names none', () => {
  const config = parseNotifyOption('email=me@lab.org', {});
  assert.equal(config.channel === 'email' && config.smtp, 'smtp://localhost:25');
  assert.match(config.channel === 'email' ? (config.from ?? '') : '', /^labbook@.+/);
});

const BAD_OPTIONS: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
  [
    'slack=https://x.org',
    {},
    /--notify 'slack=https:\/\/x\.org': unknown channel 'slack'; write --notify console, --notify webhook=URL or/,
  ],
  ['webhook', {}, /--notify 'webhook': webhook needs a URL after =/],
  ['webhook=ftp://x.org', {}, /'ftp:\/\/x\.org' is not an http\(s\) URL/],
  [
    'webhook=http://169.254.169.254/',
    {},
    /169\.254\.169\.254 is a link-local address .*only for a notify entry of a spec that says allow_link_local: true/,
  ],
  ['email=me', {}, /--notify 'email=me': 'me' is not an e-mail address/],
  ['email=me@lab.org,', {}, /'' is not an e-mail address/],
  ['console=loud', {}, /console takes no value/],
  ['email=me@lab.org', { LABBOOK_SMTP_URL: 'mail.lab.org' }, /LABBOOK_SMTP_URL: 'mail\.lab\.org' is not an SMTP URL/],
  ['email=me@lab.org', { LABBOOK_MAIL_FROM: 'labbook' }, /LABBOOK_MAIL_FROM: 'labbook' is not an e-mail address/],
];

for (const [value, env, expected] of BAD_OPTIONS) {
  test(`--notify ${value} ${JSON.stringify(env)} is refused with a usage error`, () => {
    assert.throws(
      () => parseNotifyOption(value, env),
      (error: unknown) => {
        assert.ok(error instanceof LabbookError);
        assert.equal(error.code, 'LB_USAGE');
        assert.match(error.message, expected);
        return true;
      },
    );
  });
}
