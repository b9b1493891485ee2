import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CodeSnapshotError, DirtyTreeError } from '../errors.js';
import { isInside } from '../util/path-inside.js';

export interface SnapshotRequest {
  /** A directory inside the repository to take (the spec's). */
  from: string;
  /** Where snapshots are kept: each in `<codeRoot>/<tree>/`, once per content. */
  codeRoot: string;
  /** Take uncommitted changes too (else they are refused with DirtyTreeError). */
  allowDirty: boolean;
  /** Paths left out of the snapshot, such as the store when it lies inside the repository. */
  exclude?: readonly string[];
  env: NodeJS.ProcessEnv;
}

export interface CodeSnapshot {
  /** git's id of the tree taken: the commit's, with the uncommitted changes when allowed. */
  tree: string;
  /** The commit it was taken at (HEAD). */
  commit: string;
  /** The repository's top directory. */
  repository: string;
  /** Files that differ from the commit (tracked changes and untracked files not ignored). */
  dirtyFiles: string[];
  /** Those changes as `git diff --binary` from the commit; undefined when the tree is clean. */
  diff?: string;
  /** Where the code is: `<codeRoot>/<tree>`. */
  dir: string;
}

/**
 * Takes the code of the repository `request.from` is in, as the working tree has it (without
 * the files git ignores): with a private copy of the index (the user's is not touched), every
 * change is staged and written as a tree, whose id names the copy; the files of that tree are
 * checked out under `<codeRoot>/<tree>/` unless that copy exists already. With uncommitted
 * changes and without `allowDirty`, nothing is copied and DirtyTreeError names the files.
 * Submodules are not copied. The one mark left in the repository: the objects of the changed
 * files, unreferenced (git gc removes them, as after `git stash`).
 */
export async function takeSnapshot(request: SnapshotRequest): Promise<CodeSnapshot> {
  const git: Git = (args, options = {}) =>
    run(args, options.cwd ?? request.from, { ...request.env, ...(options.index && { GIT_INDEX_FILE: options.index }) });
  const repository = (await git(['rev-parse', '--show-toplevel']).catch(notARepository(request.from))).trim();
  const commit = (await git(['rev-parse', '--verify', 'HEAD^{commit}']).catch(noCommit(repository))).trim();
  const scratch = mkdtempSync(join(tmpdir(), 'labbook-snapshot-'));
  try {
    const index = join(scratch, 'index');
    const own = resolve(repository, (await git(['rev-parse', '--git-path', 'index'], { cwd: repository })).trim());
    if (existsSync(own))
      copyFileSync(own, index); // its file times spare re-reading unchanged files
    else await git(['read-tree', commit], { cwd: repository, index });
    await git(['add', '--all', '--', '.', ...excludes(repository, request.exclude ?? [])], { cwd: repository, index });
    const tree = (await git(['write-tree'], { cwd: repository, index })).trim();
    const dirtyFiles = (await git(['diff', '--name-only', '-z', commit, tree], { cwd: repository })).split('\0').filter(Boolean);
    if (dirtyFiles.length > 0 && !request.allowDirty) throw new DirtyTreeError(repository, dirtyFiles);
    const diff = dirtyFiles.length > 0 ? await git(['diff', '--binary', commit, tree], { cwd: repository }) : undefined;
    const dir = join(request.codeRoot, tree);
    if (!existsSync(dir)) await copyTree(git, repository, index, request.codeRoot, dir);
    return { tree, commit, repository, dirtyFiles, dir, ...(diff !== undefined && { diff }) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Checks the index's files out beside `dir` (on its file system, so that the rename is atomic)
 * and renames them into place; another process that put the same tree there first wins.
 */
async function copyTree(git: Git, repository: string, index: string, codeRoot: string, dir: string): Promise<void> {
  mkdirSync(codeRoot, { recursive: true });
  const files = mkdtempSync(join(codeRoot, '.taking-'));
  try {
    await git(['checkout-index', '--all', `--prefix=${files}/`], { cwd: repository, index });
    renameSync(files, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
}

type Git = (args: readonly string[], options?: { cwd?: string; index?: string }) => Promise<string>;

/** `:(exclude)` pathspecs of the paths inside the repository. */
function excludes(repository: string, paths: readonly string[]): string[] {
  return paths
    .filter((path) => isInside(repository, path) && relative(repository, path) !== '')
    .map((path) => `:(exclude)${relative(repository, path)}`);
}

function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      if (!error) resolvePromise(stdout);
      else {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new CodeSnapshotError(missing ? GIT_MISSING : `git ${args[0]}: ${stderr.trim() || error.message}`));
      }
    });
  });
}

const GIT_MISSING = 'git is not installed: a code snapshot needs it';

const notARepository = (dir: string) => (error: Error) => {
  if (error.message === GIT_MISSING) throw error;
  throw new CodeSnapshotError(
    `${dir} is not in a git repository: a code snapshot records a commit. Run git init and commit, or drop --snapshot (code: {snapshot: false})`,
  );
};

const noCommit = (repository: string) => () => {
  throw new CodeSnapshotError(`${repository} has no commit yet: commit the code first, then take the snapshot`);
};
