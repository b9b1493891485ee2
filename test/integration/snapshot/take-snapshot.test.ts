import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CodeSnapshotError, DirtyTreeError } from '../../../src/errors.js';
import { takeSnapshot } from '../../../src/snapshot/take-snapshot.js';
import { commitAll, git, initRepository } from '../../helpers/git-repo.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A repository with a committed file, an ignored one and a store inside it that git does not ignore. */
function repository(t: Parameters<typeof tempDir>[0]): { repo: string; store: string } {
  const repo = tempDir(t);
  writeFileSync(join(repo, 'train.py'), 'print(1)\n');
  writeFileSync(join(repo, '.gitignore'), 'data/\n');
  initRepository(repo);
  commitAll(repo, 'first');
  mkdirSync(join(repo, 'data'));
  writeFileSync(join(repo, 'data', 'big.csv'), '1,2\n');
  const store = join(repo, '.labbook');
  mkdirSync(store);
  writeFileSync(join(store, 'labbook.db'), 'not code');
  return { repo, store };
}

const request = (repo: string, store: string, allowDirty = false) => ({
  from: repo,
  codeRoot: join(store, 'code'),
  allowDirty,
  exclude: [store],
  env: process.env,
});

test('a clean tree is copied once per content, without what git ignores nor the store', async (t) => {
  const { repo, store } = repository(t);
  const first = await takeSnapshot(request(repo, store));
  assert.equal(first.commit, git(repo, 'rev-parse', 'HEAD').trim());
  assert.equal(first.tree, git(repo, 'rev-parse', 'HEAD^{tree}').trim());
  assert.deepEqual([first.dirtyFiles, first.diff, first.repository], [[], undefined, repo]);
  assert.deepEqual(readdirSync(first.dir).sort(), ['.gitignore', 'train.py']);
  assert.equal(readFileSync(join(first.dir, 'train.py'), 'utf8'), 'print(1)\n');

  const again = await takeSnapshot(request(repo, store));
  assert.equal(again.dir, first.dir);
  assert.deepEqual(readdirSync(join(store, 'code')), [first.tree], 'one copy, and no scratch left behind');
});

test('uncommitted changes are refused, or taken with their diff; the index is left as it was', async (t) => {
  const { repo, store } = repository(t);
  writeFileSync(join(repo, 'train.py'), 'print(2)\n');
  writeFileSync(join(repo, 'new.py'), 'print(3)\n');
  git(repo, 'add', 'train.py');
  const indexBefore = git(repo, 'ls-files', '--stage');

  await assert.rejects(takeSnapshot(request(repo, store)), (error: unknown) => {
    assert.ok(error instanceof DirtyTreeError);
    assert.deepEqual(error.files, ['new.py', 'train.py']);
    return true;
  });
  assert.equal(existsSync(join(store, 'code')), false, 'nothing copied, the store untouched');

  const dirty = await takeSnapshot(request(repo, store, true));
  assert.notEqual(dirty.tree, git(repo, 'rev-parse', 'HEAD^{tree}').trim());
  assert.deepEqual(dirty.dirtyFiles, ['new.py', 'train.py']);
  assert.match(dirty.diff ?? '', /^\+print\(2\)$/m);
  assert.match(dirty.diff ?? '', /^\+\+\+ b\/new\.py$/m);
  assert.equal(readFileSync(join(dirty.dir, 'train.py'), 'utf8'), 'print(2)\n');
  assert.equal(readFileSync(join(dirty.dir, 'new.py'), 'utf8'), 'print(3)\n');
  assert.equal(git(repo, 'ls-files', '--stage'), indexBefore);
});

test('outside a repository, or before its first commit, there is nothing to snapshot', async (t) => {
  const plain = tempDir(t);
  await assert.rejects(takeSnapshot(request(plain, join(plain, '.labbook'))), (error: unknown) => {
    assert.ok(error instanceof CodeSnapshotError);
    assert.match(error.message, /is not in a git repository: a code snapshot records a commit/);
    return true;
  });
  initRepository(plain);
  await assert.rejects(takeSnapshot(request(plain, join(plain, '.labbook'))), /has no commit yet: commit the code first/);
});
