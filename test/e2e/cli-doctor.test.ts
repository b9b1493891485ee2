import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { repoPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The environment of a user whose python3 imports the labbook package found on `pythonPath`. */
const userEnv = (pythonPath: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  PYTHONPATH: pythonPath,
  ...extra,
});

/** A Python package `labbook` of another version, as an old install would leave. */
function oldClient(dir: string): string {
  mkdirSync(join(dir, 'labbook'));
  writeFileSync(join(dir, 'labbook', '__init__.py'), '__version__ = "0.0.9"\n');
  return dir;
}

test('doctor finds everything a run needs in a project and exits 0', async (t) => {
  const dir = tempDir(t);
  await cli(dir, ['init']);

  const result = await cli(dir, ['doctor'], { env: userEnv(repoPath('clients', 'python', 'src')) });

  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /✓\s+Node\.js\s+\d+\.\d+\.\d+ at /);
  assert.match(result.stdout, /✓\s+launcher\s+.*lb-spawn/);
  assert.match(result.stdout, /✓\s+store\s+.*\.labbook: 0 runs, readable and writable/);
  assert.match(result.stdout, /✓\s+Python client\s+labbook \d+\.\d+\.\d+ in /);
  assert.match(result.stdout, /Nothing stops runs here\.$/m);
});

test('doctor says what to do about a missing launcher and a Python client of another version, and exits 3', async (t) => {
  const dir = tempDir(t);
  const env = userEnv(oldClient(tempDir(t)), { LABBOOK_SPAWNER: join(dir, 'no-such-lb-spawn') });

  const result = await cli(dir, ['doctor'], { env });

  assert.equal(result.code, 3);
  assert.match(result.stdout, /✗\s+launcher\s+.*no-such-lb-spawn is missing: run make build in .* \(it needs a C compiler\)/);
  assert.match(result.stdout, /✗\s+Python client\s+labbook 0\.0\.9 in .*, but this CLI is \d+\.\d+\.\d+: pip install .*clients\/python/);
  assert.match(result.stdout, /!\s+store\s+no store here or above: labbook init creates one/);
  assert.match(result.stdout, /2 problems \(✗\) to fix first\./);
});

test('doctor --json lists each check with its status, detail and fix', async (t) => {
  const dir = tempDir(t);
  const result = await cli(dir, ['doctor', '--json'], { env: userEnv(tempDir(t)) });

  const checks = JSON.parse(result.stdout) as Array<{ name: string; status: string; fix?: string }>;
  assert.deepEqual(
    checks.map((check) => check.name),
    ['Node.js', 'launcher', 'store', 'Python client', 'git'],
  );
  const client = checks.find((check) => check.name === 'Python client');
  assert.equal(client?.status, 'note');
  assert.match(client?.fix ?? '', /^pip install /);
  assert.equal(result.code, 0);
});
