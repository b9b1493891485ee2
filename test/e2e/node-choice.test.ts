import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { labbookBin, repoPath } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/*
 * bin/labbook runs on $LABBOOK_NODE, else the project's Node (.tools/node, fetched by make),
 * else the node on PATH; a Node older than 24 is refused with exit status 3. Each test runs a
 * copy of bin/labbook in an installation of its own that shares the build (dist/).
 */

/** A Node.js older than 24 on this machine (Debian 12's nodejs package is 20), if any. */
const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
  try {
    return Number.parseInt(execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }), 10) < 24;
  } catch {
    return false;
  }
});
const needsOldNode =
  oldNode === undefined ? 'no Node.js older than 24 on this machine to refuse (Debian 12: apt-get install nodejs)' : false;

/** An installation without a provisioned Node; `projectNode` gives it one. */
function installation(t: TestContext, projectNode?: string): string {
  const root = tempDir(t);
  mkdirSync(join(root, 'bin'));
  copyFileSync(labbookBin, join(root, 'bin', 'labbook'));
  symlinkSync(repoPath('dist'), join(root, 'dist'));
  symlinkSync(repoPath('package.json'), join(root, 'package.json'));
  if (projectNode) {
    mkdirSync(join(root, '.tools'));
    symlinkSync(dirname(dirname(projectNode)), join(root, '.tools', 'node'));
  }
  return root;
}

/** A PATH whose only node is `node`. */
function pathWith(t: TestContext, node: string): string {
  const dir = tempDir(t);
  symlinkSync(node, join(dir, 'node'));
  return dir;
}

function labbook(root: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(join(root, 'bin', 'labbook'), ['--version'], { encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('with only an older node on PATH and no provisioned Node, labbook exits 3 saying what to do', { skip: needsOldNode }, (t) => {
  const root = installation(t);
  const result = labbook(root, { PATH: pathWith(t, oldNode as string) });
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^labbook: Node\.js 24 or newer is needed; the node on PATH is Node\.js \d+\.\d+\.\d+/);
  assert.match(result.stderr, /Run `make build` in .*: it fetches Node\.js 24 from the npm registry into \.tools\//);
});

test('an older Node named by LABBOOK_NODE is refused even where the project has its own', { skip: needsOldNode }, (t) => {
  const root = installation(t, process.execPath);
  const result = labbook(root, { PATH: pathWith(t, process.execPath), LABBOOK_NODE: oldNode });
  assert.equal(result.code, 3);
  assert.match(result.stderr, /LABBOOK_NODE names Node\.js \d+\.\d+\.\d+/);
});

test("the project's Node is chosen over an older node on PATH", { skip: needsOldNode }, (t) => {
  const root = installation(t, process.execPath);
  const result = labbook(root, { PATH: pathWith(t, oldNode as string) });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('a node on PATH that is new enough runs labbook', (t) => {
  const root = installation(t);
  const result = labbook(root, { PATH: pathWith(t, process.execPath) });
  assert.equal(result.code, 0, result.stderr);
});

test('without any node, labbook exits 3 saying how to get one', (t) => {
  const root = installation(t);
  const result = labbook(root, { PATH: tempDir(t) });
  assert.equal(result.code, 3);
  assert.match(result.stderr, /Node\.js 24 or newer is needed and there is no node on PATH: run `make build` in /);
});
