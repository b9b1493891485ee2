import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oldNodeMessage } from '../../../src/cli/node-version.js';

const runtime = { execPath: '/usr/bin/node', chosen: undefined, packageRoot: '/opt/labbook' };

test('Node.js 24 and newer run labbook', () => {
  for (const version of ['24.0.0', '24.22.3', '26.12.1', '30.0.0-pre']) assert.equal(oldNodeMessage({ ...runtime, version }), undefined);
});

test('an older node on PATH is refused with how to get a newer one', () => {
  const message = oldNodeMessage({ ...runtime, version: '20.20.2' });
  assert.match(message ?? '', /Node\.js 24 or newer is needed; the node on PATH is Node\.js 20\.20\.2 \(\/usr\/bin\/node\)/);
  assert.match(message ?? '', /Run `make build` in \/opt\/labbook: it fetches Node\.js 24 from the npm registry into \.tools\//);
  assert.match(message ?? '', /set LABBOOK_NODE/);
});

test('an older node named by LABBOOK_NODE is refused as the choice it was', () => {
  const message = oldNodeMessage({ ...runtime, version: '22.1.0', chosen: '/usr/bin/node' });
  assert.match(message ?? '', /LABBOOK_NODE names Node\.js 22\.1\.0 \(\/usr\/bin\/node\); labbook needs Node\.js 24 or newer/);
});
