import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/temp-dir.js';

const LOADER = pathToFileURL(repoPath('dist', 'src', 'cli', 'engine-loader.js')).href;

/** A directory of engines (mode 0700, as the engine makes it) under a new XDG_RUNTIME_DIR. */
function enginesDir(t: TestContext): { runtime: string; dir: string } {
  const runtime = tempDir(t);
  const dir = join(runtime, 'labbook');
  mkdirSync(dir, { mode: 0o700 });
  return { runtime, dir };
}

/** Loads the engine's bundle in a new process (as the CLI's entry does) and says how its code cache was used. */
function load(runtime: string): string {
  const code = `const { loadEngine } = await import(${JSON.stringify(LOADER)});
console.log(loadEngine({ XDG_RUNTIME_DIR: ${JSON.stringify(runtime)} }).codeCache);`;
  const done = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(done.status, 0, done.stderr);
  return done.stdout.trim();
}

const caches = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.v8cache'));

test("the engine's code cache: written by the first engine of a build, taken by the next, remade when V8 refuses it", (t) => {
  const { runtime, dir } = enginesDir(t);
  assert.equal(load(runtime), 'none');
  const cache = caches(dir)[0] ?? assert.fail(`no code cache in ${dir}`);
  assert.ok(cache.includes(process.version), `a cache of this Node: ${cache}`);
  assert.equal(statSync(join(dir, cache)).mode & 0o777, 0o600);
  assert.equal(load(runtime), 'accepted');

  writeFileSync(join(dir, cache), 'not a code cache');
  assert.equal(load(runtime), 'rejected');
  assert.equal(load(runtime), 'accepted', 'the refused cache was written again');
});

test("the engine's code cache: another build's goes when a new one is written, if unwritten for a week", (t) => {
  const { runtime, dir } = enginesDir(t);
  const stale = join(dir, `engine-0123456789abcdef-${process.version}.v8cache`);
  const recent = join(dir, `engine-fedcba9876543210-${process.version}.v8cache`);
  writeFileSync(stale, 'an old build', { mode: 0o600 });
  writeFileSync(recent, 'another build in use', { mode: 0o600 });
  const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
  utimesSync(stale, eightDaysAgo, eightDaysAgo);
  assert.equal(load(runtime), 'none');
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(recent), true, 'two builds in use keep their caches');
  assert.equal(caches(dir).length, 2);
});

test("the engine's code cache: none is read from, or written to, a directory others may enter", (t) => {
  const { runtime, dir } = enginesDir(t);
  assert.equal(load(runtime), 'none');
  const cache = caches(dir)[0] ?? assert.fail(`no code cache in ${dir}`);
  chmodSync(dir, 0o755);
  assert.equal(load(runtime), 'none', 'a cache where others could have put it is not read');
  writeFileSync(join(dir, cache), 'left alone');
  assert.equal(load(runtime), 'none');
  chmodSync(dir, 0o700);
  assert.equal(load(runtime), 'rejected', 'nothing was written while the directory was open to others');
});
