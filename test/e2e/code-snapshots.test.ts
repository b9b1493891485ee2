import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { commitAll, git, initRepository } from '../helpers/git-repo.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { writeSpec } from '../helpers/specs.js';

/** The code under test: it writes which version of it ran into $OUT/ran-<run id>. */
const codeOf = (version: string) =>
  `import os\nwith open(os.path.join(os.environ["OUT"], "ran-" + os.environ["LABBOOK_RUN_ID"]), "w") as out:\n    out.write("${version}")\n`;

async function repositoryProject(
  t: Parameters<typeof project>[0],
  spec = 'name: code\nparameters:\n  p: [1]\ncommand: python3 train.py\n',
) {
  const dir = await project(t);
  writeSpec(dir, spec);
  writeFileSync(join(dir, 'train.py'), codeOf('v1'));
  initRepository(dir);
  commitAll(dir, 'v1');
  // The store (.labbook/) is inside the repository and not ignored: it is never part of a snapshot.
  return { dir, env: processEnv({ OUT: dir }) };
}

interface RecordedCode {
  commit: string;
  tree: string;
  allowDirty?: boolean;
}

/** What the experiment's latest spec version says of its code snapshot. */
async function recordedCode(store: SqliteStore): Promise<RecordedCode> {
  const experiment = await store.getExperiment('code');
  assert.ok(experiment);
  return (experiment.spec as unknown as { code: RecordedCode }).code;
}

const ran = (dir: string, runId: number) => readFileSync(join(dir, `ran-${runId}`), 'utf8');

test('a run that starts after the working tree changed still runs the code of its snapshot', async (t) => {
  const { dir, env } = await repositoryProject(t, 'name: code\nparameters:\n  p: [1]\ncommand: python3 train.py\ncode: {snapshot: true}\n');
  const added = await cli(dir, ['add', 'sweep.yaml'], { env });
  assert.equal(added.code, 0, added.stderr);

  writeFileSync(join(dir, 'train.py'), codeOf('v2'));
  commitAll(dir, 'v2');
  writeFileSync(join(dir, 'train.py'), codeOf('v3, not committed'));
  const worker = await cli(dir, ['worker'], { env });
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal(ran(dir, 1), 'v1');

  const store = await projectStore(t, dir);
  const code = await recordedCode(store);
  assert.equal(code.commit, git(dir, 'rev-parse', 'HEAD~1').trim());
  const snapshot = await store.getCodeSnapshot(code.tree);
  assert.deepEqual([snapshot?.commit, snapshot?.diff, snapshot?.repository], [code.commit, null, dir]);
  const environment = (await store.getEnvironment(1)) as { cwd: string; git: { commit: string; snapshot: string } };
  assert.deepEqual(
    [environment.cwd, environment.git.commit, environment.git.snapshot],
    [join(dir, '.labbook', 'code', code.tree), code.commit, code.tree],
    "the run's environment names the snapshot's code, not the working tree's",
  );
});

test('a snapshot of a tree with uncommitted changes is refused, naming the files and --allow-dirty; nothing is written', async (t) => {
  const { dir, env } = await repositoryProject(t);
  writeFileSync(join(dir, 'train.py'), codeOf('dirty'));
  writeFileSync(join(dir, 'helper.py'), '# new, not committed\n');
  for (const command of ['add', 'run']) {
    const refused = await cli(dir, [command, 'sweep.yaml', '--snapshot'], { env });
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(
      refused.stderr,
      `labbook: ${dir} has uncommitted changes (helper.py, train.py); nothing was changed. Commit them, or take them into ` +
        'the snapshot with --allow-dirty (code: {snapshot: true, allowDirty: true}): the diff is recorded with it.\n',
    );
  }
  const store = await projectStore(t, dir);
  assert.deepEqual(await store.listExperiments(), []);
});

test('with --allow-dirty the uncommitted changes are part of the snapshot, and recorded as a diff', async (t) => {
  const { dir, env } = await repositoryProject(t);
  writeFileSync(join(dir, 'train.py'), codeOf('dirty'));
  const run = await cli(dir, ['run', 'sweep.yaml', '--snapshot', '--allow-dirty'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(ran(dir, 1), 'dirty');

  const store = await projectStore(t, dir);
  const code = await recordedCode(store);
  assert.equal(code.allowDirty, true);
  assert.equal(code.commit, git(dir, 'rev-parse', 'HEAD').trim());
  const diff = (await store.getCodeSnapshot(code.tree))?.diff ?? '';
  assert.match(diff, /^diff --git a\/train\.py b\/train\.py$/m);
  assert.match(diff, /^\+ {4}out\.write\("dirty"\)$/m);
  assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=no'), ' M train.py\n', "the user's index is untouched");
});

test('a snapshot is not a cache key unless --rerun-if-code-changed says so', async (t) => {
  const { dir, env } = await repositoryProject(t);
  assert.equal((await cli(dir, ['run', 'sweep.yaml', '--snapshot'], { env })).code, 0);
  writeFileSync(join(dir, 'train.py'), codeOf('v2'));
  commitAll(dir, 'v2');

  const cached = await cli(dir, ['run', 'sweep.yaml', '--snapshot'], { env });
  assert.equal(cached.code, 0, cached.stderr);
  assert.match(cached.stderr, /^labbook: code: 1 runs planned: 0 added, 1 already COMPLETED \(cached\)$/m);
  const rerun = await cli(dir, ['run', 'sweep.yaml', '--snapshot', '--rerun-if-code-changed'], { env });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /code: 1 runs planned: 1 added \(1 anew/);
  assert.deepEqual([ran(dir, 1), ran(dir, 2)], ['v1', 'v2']);

  const refused = await cli(dir, ['run', 'sweep.yaml', '--rerun-if-code-changed'], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--rerun-if-code-changed compares code snapshots: add --snapshot/);
});

test("a worker without the snapshot's directory gives its runs back untouched", async (t) => {
  const { dir, env } = await repositoryProject(t);
  assert.equal((await cli(dir, ['add', 'sweep.yaml', '--snapshot'], { env })).code, 0);
  rmSync(join(dir, '.labbook', 'code'), { recursive: true });
  const worker = await cli(dir, ['worker'], { env });
  assert.equal(worker.code, 0, worker.stderr);
  assert.match(worker.stderr, /its runs execute the code snapshot .*\/\.labbook\/code\/[0-9a-f]{40}, which is not on this machine/);
  const store = await projectStore(t, dir);
  assert.deepEqual(
    (await store.listRuns({})).map((run) => [run.state, run.attempt]),
    [['PENDING', 0]],
  );
});

test('a function run loads its module from the snapshot, not from the working tree', async (t) => {
  const { dir, env } = await repositoryProject(t, 'name: code\nparameters:\n  p: [1]\nfunction: ./fn.mjs#train\n');
  const moduleOf = (version: string) => `export const train = async () => ({ version: '${version}' });\n`;
  writeFileSync(join(dir, 'fn.mjs'), moduleOf('v1'));
  commitAll(dir, 'function');
  assert.equal((await cli(dir, ['add', 'sweep.yaml', '--snapshot'], { env })).code, 0);
  writeFileSync(join(dir, 'fn.mjs'), moduleOf('v2'));

  const worker = await cli(dir, ['worker'], { env });
  assert.equal(worker.code, 0, worker.stderr);
  const store = await projectStore(t, dir);
  assert.deepEqual((await store.getRun(1))?.result, { version: 'v1' });
});
