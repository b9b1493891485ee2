import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { test } from 'node:test';
import { createNotifier } from '../../../src/notify/index.js';
import type { ResolveHost } from '../../../src/notify/post-json.js';
import type { NotifyConfig } from '../../../src/spec/types.js';
import { isLinkLocalAddress } from '../../../src/util/link-local.js';
import { summary } from './notices.js';
import { webhookSink } from './sinks.js';

// No test here connects to a link-local address: those deliveries are refused before any
// connection, and the names are resolved by a resolver of the test's own.

test('link-local and metadata-service addresses are told apart from every other address', () => {
  for (const address of ['169.254.169.254', '169.254.0.1', '::ffff:169.254.169.254', 'fe80::1', 'febf::ffff', 'fd00:ec2::254']) {
    assert.equal(isLinkLocalAddress(address), true, address);
  }
  for (const address of ['127.0.0.1', '10.0.0.1', '192.168.1.1', '169.253.255.255', '169.255.0.0', '::1', 'fec0::1', 'fd00::1', 'x.org']) {
    assert.equal(isLinkLocalAddress(address), false, address);
  }
});

const webhook = (url: string, allowLinkLocal?: boolean): NotifyConfig =>
  ({ channel: 'webhook', url, on: ['finished'], minInterval: 0, ...(allowLinkLocal && { allowLinkLocal }) }) as NotifyConfig;

/** A resolver that answers every name with `addresses` and remembers the names asked. */
function resolverTo(...addresses: string[]): ResolveHost & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

async function warningsOf(config: NotifyConfig, resolveHost: ResolveHost): Promise<string[]> {
  const warnings: string[] = [];
  const notifier = createNotifier([config], { warn: (message) => warnings.push(message), resolveHost, timeoutMs: 2_000 });
  await notifier.finished(summary([]));
  await notifier.close();
  return warnings;
}

test('a webhook host that resolves to a link-local address is refused before connecting', async () => {
  const resolve = resolverTo('10.9.9.9', '169.254.169.254');

  const warnings = await warningsOf(webhook('http://metadata.example.test/computeMetadata/v1/'), resolve);

  assert.deepEqual(resolve.asked, ['metadata.example.test']);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] as string,
    /^notify: webhook http:\/\/metadata\.example\.test\/… failed: metadata\.example\.test resolves to 169\.254\.169\.254 is a link-local address .*allow_link_local: true; continuing$/,
  );
});

test('a link-local address given literally (from the library, past the spec check) is refused without a lookup', async () => {
  const resolve = resolverTo('127.0.0.1');

  const warnings = await warningsOf(webhook('http://[fe80::1]:8080/hook'), resolve);

  assert.deepEqual(resolve.asked, []);
  assert.match(warnings[0] as string, /failed: fe80::1 is a link-local address/);
});

test('webhook host names are resolved by the resolver given and posted to when not link-local', async (t) => {
  const sink = await webhookSink(t);
  const resolve = resolverTo('127.0.0.1');
  const url = sink.url.replace('127.0.0.1', 'hooks.example.test');

  const warnings = await warningsOf(webhook(url), resolve);

  assert.deepEqual(warnings, []);
  assert.deepEqual(resolve.asked, ['hooks.example.test']);
  assert.equal(sink.bodies[0]?.event, 'finished');
});

test('an entry that allows link-local addresses resolves and posts as any other', async (t) => {
  const sink = await webhookSink(t);
  const resolve = resolverTo('127.0.0.1');

  const warnings = await warningsOf(webhook(sink.url.replace('127.0.0.1', 'hooks.example.test'), true), resolve);

  assert.deepEqual(warnings, []);
  assert.equal(sink.bodies.length, 1);
});
