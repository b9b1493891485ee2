import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLabbook } from '../helpers/labbook-process.js';
import { project } from '../helpers/project.js';
import { testCaFile, testServerCredentials } from '../helpers/tls-fixtures.js';
import { httpsWebhookSink } from '../unit/notify/sinks.js';

// A corporate CA named by $NODE_EXTRA_CA_CERTS (as CI machines set it) reaches what labbook
// starts and is trusted by what it connects to.

test('bin/labbook hands its runs $NODE_EXTRA_CA_CERTS as the user set it', async (t) => {
  const dir = await project(
    t,
    `name: env
parameters:
  x: [1]
command: [sh, -c, 'echo "extra=$NODE_EXTRA_CA_CERTS"']
`,
  );
  const run = startLabbook(t, dir, ['run', 'sweep.yaml'], { NODE_EXTRA_CA_CERTS: testCaFile });
  assert.equal((await run.exited).code, 0, run.stderr());
  assert.equal(readFileSync(join(dir, '.labbook', 'runs', '1', 'stdout.log'), 'utf8'), `extra=${testCaFile}\n`);
});

test('bin/labbook trusts the CAs of $NODE_EXTRA_CA_CERTS for an HTTPS webhook', async (t) => {
  const sink = await httpsWebhookSink(t, testServerCredentials);
  const dir = await project(t, 'name: hooked\nparameters:\n  x: [1]\ncommand: [sh, -c, exit 0]\n');
  const run = startLabbook(t, dir, ['run', 'sweep.yaml', '--notify', `webhook=${sink.url}`], { NODE_EXTRA_CA_CERTS: testCaFile });
  assert.equal((await run.exited).code, 0, run.stderr());
  assert.doesNotMatch(run.stderr(), /warning/, 'the delivery succeeded');
  assert.deepEqual(
    sink.bodies.map((body) => body.event),
    ['finished'],
  );
});
