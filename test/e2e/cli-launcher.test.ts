import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLabbook } from '../helpers/labbook-process.js';
import { repoPath } from '../helpers/paths.js';
import { project } from '../helpers/project.js';
import { httpsWebhookSink } from '../unit/notify/sinks.js';

// bin/labbook keeps Node from loading $NODE_EXTRA_CA_CERTS as it starts (see there why); what
// labbook starts and what it connects to must not notice. The CA is a test CA no system trusts.
const tlsFixture = (name: string): string => repoPath('test', 'fixtures', 'tls', name);
const testCa = tlsFixture('ca.pem');

test('bin/labbook hands its runs $NODE_EXTRA_CA_CERTS as the user set it', async (t) => {
  const dir = await project(
    t,
    `name: env
parameters:
  x: [1]
command: [sh, -c, 'echo "extra=$NODE_EXTRA_CA_CERTS deferred=\${{LABBOOK_EXTRA_CA_CERTS-none}}"']
`,
  );
  const run = startLabbook(t, dir, ['run', 'sweep.yaml'], { NODE_EXTRA_CA_CERTS: testCa });
  assert.equal((await run.exited).code, 0, run.stderr());
  assert.equal(readFileSync(join(dir, '.labbook', 'runs', '1', 'stdout.log'), 'utf8'), `extra=${testCa} deferred=none\n`);
});

test('bin/labbook trusts the CAs of $NODE_EXTRA_CA_CERTS for an HTTPS webhook', async (t) => {
  const credentials = { key: readFileSync(tlsFixture('server.key'), 'utf8'), cert: readFileSync(tlsFixture('server.pem'), 'utf8') };
  const sink = await httpsWebhookSink(t, credentials);
  const dir = await project(t, 'name: hooked\nparameters:\n  x: [1]\ncommand: [sh, -c, exit 0]\n');
  const run = startLabbook(t, dir, ['run', 'sweep.yaml', '--notify', `webhook=${sink.url}`], { NODE_EXTRA_CA_CERTS: testCa });
  assert.equal((await run.exited).code, 0, run.stderr());
  assert.doesNotMatch(run.stderr(), /warning/, 'the delivery succeeded');
  assert.deepEqual(
    sink.bodies.map((body) => body.event),
    ['finished'],
  );
});
