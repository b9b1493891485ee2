import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EnvironmentCapture, MAX_DIFF_BYTES, pythonExecutable } from '../../../src/track/environment.js';
import { VERSION } from '../../../src/version.js';
import { tempDir } from '../../helpers/temp-dir.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/** A real repository with one commit of train.py on branch `main`. */
function repository(t: import('node:test').TestContext): string {
  const dir = tempDir(t);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'remote', 'add', 'origin', 'https://alice:s3cret@example.com/lab/project.git');
  writeFileSync(join(dir, 'train.py'), 'lr = 0.1\n');
  git(dir, 'add', 'train.py');
  git(dir, 'commit', '-q', '-m', 'first');
  return dir;
}

test('a dirty tree records the commit, the branch and the diff of tracked files', async (t) => {
  const dir = repository(t);
  writeFileSync(join(dir, 'train.py'), 'lr = 0.01\n');
  writeFileSync(join(dir, 'untracked.txt'), 'not in the diff\n');
  const env = await new EnvironmentCapture().capture({ cwd: dir, argv: ['sh', 'run.sh'], params: { seed: 7 } });
  assert.equal(env.git.commit, git(dir, 'rev-parse', 'HEAD').trim());
  assert.equal(env.git.branch, 'main');
  assert.equal(env.git.dirty, true);
  assert.match(env.git.diff ?? '', /^-lr = 0\.1$/m);
  assert.match(env.git.diff ?? '', /^\+lr = 0\.01$/m);
  assert.doesNotMatch(env.git.diff ?? '', /untracked/);
  assert.equal(env.git.diffTruncated, false);
  assert.equal(env.git.remote, 'https://example.com/lab/project.git', 'credentials are stripped');
  assert.deepEqual(env.command, ['sh', 'run.sh']);
  assert.equal(env.seed, 7);
  assert.equal(env.python, null, 'not a Python command');
  assert.equal(env.versions.labbook, VERSION);
  assert.equal(env.versions.node, process.version);
  assert.ok(env.cpu.count >= 1);
  assert.ok(env.memoryBytes > 0);
  assert.ok(Array.isArray(env.gpus));
});

test('a clean tree is not dirty and has an empty diff', async (t) => {
  const dir = repository(t);
  const env = await new EnvironmentCapture().capture({ cwd: dir, argv: ['true'], params: {} });
  assert.equal(env.git.dirty, false);
  assert.equal(env.git.diff, '');
  assert.equal(env.seed, null);
});

test('a huge diff is cut at the cap and flagged', async (t) => {
  const dir = repository(t);
  writeFileSync(join(dir, 'train.py'), 'x = 1\n'.repeat(400_000));
  const env = await new EnvironmentCapture().capture({ cwd: dir, argv: ['true'], params: {} });
  assert.equal(env.git.dirty, true);
  assert.equal(env.git.diffTruncated, true);
  assert.equal(Buffer.byteLength(env.git.diff ?? ''), MAX_DIFF_BYTES);
});

test('outside a repository the git fields are null', async (t) => {
  const dir = tempDir(t);
  const env = await new EnvironmentCapture().capture({ cwd: dir, argv: ['true'], params: {} });
  assert.deepEqual(env.git, { commit: null, branch: null, dirty: null, diff: null, diffTruncated: false, remote: null });
});

test("outside a repository no git process is started; below a repository's top, git is asked", async (t) => {
  const repo = repository(t);
  mkdirSync(join(repo, 'sub'));
  const bin = tempDir(t);
  const calls = join(bin, 'calls');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> ${calls}\nexit 1\n`, { mode: 0o755 });
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  t.after(() => {
    process.env.PATH = path;
  });
  await new EnvironmentCapture().capture({ cwd: tempDir(t), argv: ['true'], params: {} });
  assert.equal(existsSync(calls), false);
  await new EnvironmentCapture().capture({ cwd: join(repo, 'sub'), argv: ['true'], params: {} });
  assert.equal(readFileSync(calls, 'utf8').split('\n').filter(Boolean).length, 4);
});

test('the GPUs nvidia-smi lists are recorded; without it on PATH, none', async (t) => {
  const bin = tempDir(t);
  writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA A100, 40960 MiB"\necho "NVIDIA A100, 40960 MiB"\n', { mode: 0o755 });
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  t.after(() => {
    process.env.PATH = path;
  });
  const env = await new EnvironmentCapture().capture({ cwd: tempDir(t), argv: ['true'], params: {} });
  assert.deepEqual(env.gpus, [
    { name: 'NVIDIA A100', memory: '40960 MiB' },
    { name: 'NVIDIA A100', memory: '40960 MiB' },
  ]);
  process.env.PATH = '/nonexistent';
  assert.deepEqual((await new EnvironmentCapture().capture({ cwd: tempDir(t), argv: ['true'], params: {} })).gpus, []);
});

test('a Python command gets its interpreter version and packages, probed once', async (t) => {
  const dir = tempDir(t);
  const capture = new EnvironmentCapture();
  const first = await capture.capture({ cwd: dir, argv: ['python3', 'train.py'], params: {} });
  const second = await capture.capture({ cwd: dir, argv: ['python3', 'other.py'], params: {} });
  assert.match(first.python?.version ?? '', /^3\.\d+\.\d+/);
  assert.ok(Array.isArray(first.python?.packages));
  assert.deepEqual(second.python, first.python);
});

test('packages are listed from the dist-info and egg-info names on sys.path, normalised, the first of a name winning', async (t) => {
  const dir = tempDir(t);
  const [early, late] = [join(dir, 'early'), join(dir, 'late')];
  for (const path of [
    'early/Foo_Bar-1.2.3.dist-info',
    'early/old.pkg-0.9-py3.11.egg-info',
    'early/not_a_package-1.0',
    'late/foo_bar-9.9.dist-info',
    'late/zope.interface-6.0.dist-info',
  ]) {
    mkdirSync(join(dir, path), { recursive: true });
  }
  const previous = process.env.PYTHONPATH;
  process.env.PYTHONPATH = `${early}:${late}`;
  t.after(() => {
    if (previous === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = previous;
  });
  const env = await new EnvironmentCapture().capture({ cwd: dir, argv: ['python3', 'train.py'], params: {} });
  const packages = env.python?.packages ?? [];
  assert.ok(packages.includes('foo-bar==1.2.3'), packages.join(' '));
  assert.ok(packages.includes('old-pkg==0.9'), packages.join(' '));
  assert.ok(packages.includes('zope-interface==6.0'), packages.join(' '));
  assert.ok(!packages.some((p) => p.startsWith('foo-bar==9') || p.startsWith('not-a-package')), packages.join(' '));
});

test('Python commands are recognised by the interpreter name', () => {
  assert.equal(pythonExecutable(['python3', 'x.py'], '/p'), 'python3');
  assert.equal(pythonExecutable(['.venv/bin/python', '-m', 'x'], '/p'), '/p/.venv/bin/python');
  assert.equal(pythonExecutable(['python3.11'], '/p'), 'python3.11');
  assert.equal(pythonExecutable(['sh', '-c', 'python x.py'], '/p'), undefined);
  assert.equal(pythonExecutable([], '/p'), undefined);
});

test('an interpreter that described itself (a Python driver) is recorded as described, not probed', async (t) => {
  const python = { executable: '/nowhere/bin/python3', version: '3.0.0', packages: ['described==1'] };
  const env = await new EnvironmentCapture().capture({ cwd: tempDir(t), argv: [python.executable, 'x.py'], params: {}, python });
  assert.deepEqual(env.python, python);
});
