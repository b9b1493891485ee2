import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

/*
 * The first `make demo` or `make test` of a clone installs dependencies before anything else
 * prints; each install says what it is about to do and roughly how long it takes, so the
 * silence of `npm ci` or of a quiet pip is not mistaken for a hang.
 */

/** What `make TARGET` would run were `changed` just edited (make -n -W: nothing is run). */
function plannedCommands(target: string, changed: string): string[] {
  const { MAKEFLAGS: _flags, MAKELEVEL: _level, MFLAGS: _mflags, ...env } = process.env;
  const result = spawnSync('make', ['--no-print-directory', '-n', '-W', changed, target], { cwd: repoRoot, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n');
}

test('make announces npm ci before it runs it', () => {
  const commands = plannedCommands('node_modules/.install-stamp', 'package-lock.json');
  const install = commands.findIndex((line) => line.startsWith('npm ci'));
  assert.ok(install > 0, commands.join('\n'));
  assert.match(commands[install - 1] as string, /^echo "make: installing the npm dependencies .*\(npm ci, ~\d+ s\)" >&2$/);
});

test('make announces the Python environment before it creates it', () => {
  const commands = plannedCommands('.venv/.install-stamp', 'requirements-dev.txt');
  const create = commands.findIndex((line) => line.startsWith('python3 -m venv'));
  assert.ok(create > 0, commands.join('\n'));
  assert.match(
    commands[create - 1] as string,
    /^echo "make: installing the Python client.* into \.venv \(pip, ~1 min the first time\)" >&2$/,
  );
});
