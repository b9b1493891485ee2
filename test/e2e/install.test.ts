import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { labbookBin, repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/*
 * `make install` links PREFIX/bin/labbook to this checkout's bin/labbook, without root;
 * `make uninstall` removes that link and nothing else.
 */

/**
 * `make TARGET PREFIX=prefix` in this checkout, as a user types it (not as a sub-make of `make
 * test`), except that the TypeScript build counts as done (`-o`): a checkout built otherwise
 * (`npm run build`) has an older stamp, and rebuilding would empty dist/test under the test
 * files starting meanwhile (they fail at once, "Cannot find module").
 */
function make(target: string, prefix: string) {
  const { MAKEFLAGS: _flags, MAKELEVEL: _level, MFLAGS: _mflags, ...env } = process.env;
  const args = ['--no-print-directory', '-o', 'dist/.build-stamp', target, `PREFIX=${prefix}`];
  const result = spawnSync('make', args, { cwd: repoRoot, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function installed(t: TestContext): string {
  const prefix = tempDir(t, 'labbook-prefix-');
  const result = make('install', prefix);
  assert.equal(result.code, 0, result.stderr);
  return prefix;
}

test('make install links PREFIX/bin/labbook to the checkout, and it runs from anywhere through PATH', (t) => {
  const prefix = installed(t);
  const link = join(prefix, 'bin', 'labbook');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readlinkSync(link), labbookBin);

  const project = tempDir(t);
  const path = [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(':');
  const init = spawnSync('sh', ['-c', 'labbook init'], { cwd: project, env: { HOME: project, PATH: path }, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /^Initialised an empty labbook store in .*\.labbook\n$/);
  assert.ok(existsSync(join(project, '.labbook', 'labbook.db')));
});

test('make install says so when PREFIX/bin is not on PATH', (t) => {
  const prefix = tempDir(t, 'labbook-prefix-');
  const result = make('install', prefix);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`${join(prefix, 'bin')} is not on your PATH: add it`));
});

test('make uninstall removes the link, and then has nothing to remove', (t) => {
  const prefix = installed(t);
  const first = make('uninstall', prefix);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(existsSync(join(prefix, 'bin', 'labbook')), false);
  const second = make('uninstall', prefix);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /there is no .*labbook; nothing to remove/);
});

test('make install replaces no file of its own, and make uninstall no link to another checkout', (t) => {
  const prefix = tempDir(t, 'labbook-prefix-');
  mkdirSync(join(prefix, 'bin'));
  const file = join(prefix, 'bin', 'labbook');
  writeFileSync(file, '#!/bin/sh\necho mine\n');
  const install = make('install', prefix);
  assert.notEqual(install.code, 0);
  assert.match(install.stderr, /labbook exists and is not a link to a labbook checkout: remove it, or install elsewhere with PREFIX=DIR/);
  assert.equal(readFileSync(file, 'utf8'), '#!/bin/sh\necho mine\n');

  const other = tempDir(t, 'labbook-prefix-');
  mkdirSync(join(other, 'bin'));
  symlinkSync('/elsewhere/labbook/bin/labbook', join(other, 'bin', 'labbook'));
  const uninstall = make('uninstall', other);
  assert.notEqual(uninstall.code, 0);
  assert.match(uninstall.stderr, /is not a link to this checkout's .*; left as it is/);
  assert.equal(readlinkSync(join(other, 'bin', 'labbook')), '/elsewhere/labbook/bin/labbook');
});
