import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A sweep whose two runs fail once each, then succeed: notes (retries, notices), no warnings. */
async function project(t: TestContext): Promise<string> {
  const dir = tempDir(t);
  assert.equal((await cli(dir, ['init'])).code, 0);
  writeSpec(dir, 'test -e done-$1 || { touch done-$1; exit 1; }\n', 'flaky.sh');
  writeSpec(dir, 'name: flaky\nparameters: {x: [1, 2]}\ncommand: sh flaky.sh {x}\nretries: 1\nnotify: [console]\n');
  return dir;
}

const NOTE = /^labbook: run \d failed, will be retried/m;

test('notes are printed by default, -q keeps them and the progress off, -v adds debugging notes', async (t) => {
  const plain = await cli(await project(t), ['run', 'sweep.yaml']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, NOTE);
  assert.match(plain.stderr, /^labbook: flaky: 2 runs planned: 2 added$/m);
  assert.doesNotMatch(plain.stderr, /debug:/);

  const quiet = await cli(await project(t), ['run', 'sweep.yaml', '-q']);
  assert.equal(quiet.code, 0);
  assert.doesNotMatch(quiet.stderr, /^labbook: /m, 'no notes with -q');
  assert.match(quiet.stderr, /2 completed, 0 failed/, 'the summary is a result, not a note');

  const verbose = await cli(await project(t), ['-v', 'run', 'sweep.yaml']);
  assert.match(verbose.stderr, /^labbook: debug: session on .*: \d+ slots?, experiments flaky, lease 30s$/m);
  assert.match(verbose.stderr, NOTE);
});

test('LABBOOK_LOG sets the level unless -v or -q is given; a bad one is a usage error', async (t) => {
  const warnOnly = await cli(await project(t), ['run', 'sweep.yaml'], { env: { LABBOOK_LOG: 'warn' } });
  assert.equal(warnOnly.code, 0);
  assert.doesNotMatch(warnOnly.stderr, NOTE);
  const overridden = await cli(await project(t), ['run', 'sweep.yaml', '-v'], { env: { LABBOOK_LOG: 'warn' } });
  assert.match(overridden.stderr, /debug: session on/);
  const bad = await cli(await project(t), ['ls'], { env: { LABBOOK_LOG: 'loud' } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /LABBOOK_LOG='loud' is not a log level; use one of debug, info, warn, error, silent/);
  const both = await cli(await project(t), ['ls', '-v', '-q']);
  assert.equal(both.code, 2);
});

test('--log-format json prints notes and warnings as JSON lines with level and time', async (t) => {
  const result = await cli(await project(t), ['run', 'sweep.yaml', '--log-format', 'json']);
  assert.equal(result.code, 0);
  const logLines = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; time: string; msg: string });
  assert.ok(logLines.length >= 3, result.stderr);
  for (const line of logLines) {
    assert.equal(line.level, 'info');
    assert.match(line.time, /^\d{4}-\d\d-\d\dT/);
  }
  assert.ok(logLines.some((line) => /^run \d failed, will be retried/.test(line.msg)));
  const warned = await cli(await project(t), ['plot', '1', '2', '-k', 'acc', '-o', 'x.svg', '--log-format', 'xml']);
  assert.equal(warned.code, 2);
  assert.match(warned.stderr, /--log-format 'xml' is not a log format; use human or json/);
});
