import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type TestContext, test } from 'node:test';
import { enginePaths } from '../../src/engine/engine-paths.js';
import { ENGINE_NODE_FLAGS } from '../../src/engine/start-engine.js';
import { BUILD, VERSION } from '../../src/version.js';
import { type CliResult, cliProcess } from '../helpers/cli.js';
import { engineEnv, rawConnection } from '../helpers/engine.js';
import { repoPath } from '../helpers/paths.js';
import { isRunning, processesWithArgument } from '../helpers/processes.js';
import { project } from '../helpers/project.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/wait.js';

interface Status {
  running: boolean;
  pid: number;
  version: string;
  build: string | null;
  socket: string;
  log: string;
}

/** A project with a store, and the environment of its engines (torn down with the test). */
async function engineProject(t: TestContext, extra: NodeJS.ProcessEnv = {}) {
  const dir = await project(t);
  return { dir, env: { ...engineEnv(t, dir), ...extra } };
}

function engine(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): CliResult {
  return cliProcess(dir, ['engine', ...args], env);
}

function startedEngine(dir: string, env: NodeJS.ProcessEnv): Status {
  const start = engine(dir, env, 'start', '--json');
  assert.equal(start.code, 0, start.stderr);
  return JSON.parse(start.stdout);
}

/** The processes serving the store of `dir` as an engine. */
function enginesOf(dir: string): number[] {
  return processesWithArgument(dir)
    .filter((p) => p.argv.includes('serve'))
    .map((p) => p.pid);
}

function gone(pid: number, what: string): Promise<true> {
  return waitUntil(() => !isRunning(pid), { message: `${what}: engine ${pid} still running` });
}

/** Runs `labbook ARGS` in its own process without waiting for it. */
function startCli(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(repoPath('bin', 'labbook'), args, { cwd: dir, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('8 clients starting the engine at once all get the one engine that took the lock', async (t) => {
  const { dir, env } = await engineProject(t);
  const starts = await Promise.all(Array.from({ length: 8 }, () => startCli(dir, ['engine', 'start', '--json'], env)));
  for (const start of starts) assert.equal(start.code, 0, start.stderr);
  const pids = new Set(starts.map((start) => (JSON.parse(start.stdout) as Status).pid));
  assert.equal(pids.size, 1);
  // Engines that lost the race for the lock exit on their own; the winner is the one left serving.
  await waitUntil(() => enginesOf(dir).length === 1, { message: `engines still serving: ${enginesOf(dir).join(', ')}` });
  assert.deepEqual(enginesOf(dir), [...pids]);
});

test('an engine without clients exits after its idle timeout; a connected client keeps it', async (t) => {
  const { dir, env } = await engineProject(t, { LABBOOK_ENGINE_IDLE_TIMEOUT: '1s' });
  const { pid, log, socket } = startedEngine(dir, env);
  const client = await rawConnection(t, socket);
  client.send({ id: 1, method: 'hello', params: { version: VERSION } });
  await client.lines(1);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than the idle timeout
  client.send({ id: 2, method: 'ping' });
  assert.deepEqual((await client.lines(2))[1], { id: 2, ok: true, value: null });

  client.socket.end();
  await gone(pid, 'idle for 1 s');
  assert.equal(existsSync(socket), false);
  assert.match(readFileSync(log, 'utf8'), new RegExp(`engine \\(pid ${pid}\\) stopped: no client for 1000 ms`));
});

/** A copy of the built CLI that says it is labbook `version` (of `build`), as another installation would. */
function otherVersion(t: TestContext, version: string, build?: string): string {
  const root = tempDir(t, 'labbook-other-');
  for (const part of ['cli', 'engine', 'bin']) cpSync(repoPath('dist', part), join(root, 'dist', part), { recursive: true });
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ ...pkg, version }));
  if (build) writeFileSync(join(root, 'dist', 'cli', 'build-id'), `${build}\n`);
  return join(root, 'dist', 'cli', 'labbook.js');
}

function startOtherVersion(cliPath: string, dir: string, env: NodeJS.ProcessEnv): Status {
  const start = spawnSync(process.execPath, [cliPath, '--json', 'engine', 'start'], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  assert.equal(start.status, 0, start.stderr);
  return JSON.parse(start.stdout);
}

test('an idle engine of another version is replaced by one of this version', async (t) => {
  const { dir, env } = await engineProject(t);
  const old = startOtherVersion(otherVersion(t, '0.0.1-old'), dir, env);
  assert.equal(old.version, '0.0.1-old');

  const now = startedEngine(dir, env);
  assert.equal(now.version, VERSION);
  assert.notEqual(now.pid, old.pid);
  await gone(old.pid, 'replaced');
  assert.deepEqual(enginesOf(dir), [now.pid]);
});

test('a busy engine of another version is left alone, with an error that says why', async (t) => {
  const { dir, env } = await engineProject(t);
  const old = startOtherVersion(otherVersion(t, '0.0.1-old'), dir, env);
  const client = await rawConnection(t, old.socket);
  client.send({ id: 1, method: 'hello', params: { version: '0.0.1-old' } });
  await client.lines(1);

  const start = engine(dir, env, 'start', '--json');
  assert.equal(start.code, 3);
  const error = JSON.parse(start.stderr);
  assert.equal(error.code, 'LB_ENGINE_OTHER_VERSION');
  assert.match(
    error.message,
    new RegExp(`\\(pid ${old.pid}\\) is labbook 0\\.0\\.1-old, this is labbook ${VERSION}, and it is busy with 1 other client`),
  );
  assert.deepEqual(enginesOf(dir), [old.pid]);
});

test('an idle engine of another build of this version (a checkout rebuilt since) is replaced by one of this build', async (t) => {
  const { dir, env } = await engineProject(t);
  const old = startOtherVersion(otherVersion(t, VERSION, 'before-the-pull'), dir, env);
  assert.deepEqual([old.version, old.build], [VERSION, 'before-the-pull']);

  const now = startedEngine(dir, env);
  assert.deepEqual([now.version, now.build], [VERSION, BUILD]);
  assert.ok(BUILD, 'make build gives the bundle a build id');
  await gone(old.pid, 'replaced');
  assert.deepEqual(enginesOf(dir), [now.pid]);
});

test('a busy engine of another build is left alone, with an error that names both builds', async (t) => {
  const { dir, env } = await engineProject(t);
  const old = startOtherVersion(otherVersion(t, VERSION, 'before-the-pull'), dir, env);
  const client = await rawConnection(t, old.socket);
  client.send({ id: 1, method: 'hello', params: { version: VERSION } });
  await client.lines(1);

  const start = engine(dir, env, 'start', '--json');
  assert.equal(start.code, 3);
  const { code, message } = JSON.parse(start.stderr);
  assert.equal(code, 'LB_ENGINE_OTHER_VERSION');
  const says = `is labbook ${VERSION} (build before-the-pull), this is labbook ${VERSION} (build ${BUILD}), and it is busy`;
  assert.ok(message.includes(says), message);
  assert.deepEqual(enginesOf(dir), [old.pid]);
});

test('after kill -9 of the engine, its socket and lock are left and the next client replaces them', async (t) => {
  const { dir, env } = await engineProject(t);
  const first = startedEngine(dir, env);
  process.kill(first.pid, 'SIGKILL');
  await gone(first.pid, 'killed');
  assert.ok(existsSync(first.socket), 'a dead engine leaves its socket');
  const lock = enginePaths(join(dir, '.labbook'), env).lock;
  assert.ok(existsSync(lock));

  const status = engine(dir, env, 'status');
  assert.equal(status.code, 3);
  assert.match(status.stdout, /no engine serves/);
  const second = startedEngine(dir, env);
  assert.notEqual(second.pid, first.pid);
  assert.equal(second.socket, first.socket);
  assert.equal(engine(dir, env, 'status').code, 0);
});

test('engines start with their V8 flags, by labbook engine start and by bin/labbook as the Python client starts them', async (t) => {
  const { dir, env } = await engineProject(t);
  const flagsOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const started = startedEngine(dir, env);
  for (const flag of ENGINE_NODE_FLAGS)
    assert.ok(flagsOf(started.pid).includes(flag), `labbook engine start: ${flagsOf(started.pid).join(' ')}`);
  assert.equal(engine(dir, env, 'stop').code, 0);
  await gone(started.pid, 'stopped');
  // The Python client's way: bin/labbook engine serve --background, detached, its ready line read.
  const serve = spawn('/bin/sh', ['-c', '"$@" &', 'sh', repoPath('bin', 'labbook'), 'engine', 'serve', '--background'], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [ready] = (await once(createInterface({ input: serve.stdout }), 'line')) as [string];
  serve.stdout.destroy();
  const { pid } = JSON.parse(ready).ready as { pid: number };
  for (const flag of ENGINE_NODE_FLAGS) assert.ok(flagsOf(pid).includes(flag), `bin/labbook engine serve: ${flagsOf(pid).join(' ')}`);
  assert.equal(engine(dir, env, 'stop').code, 0);
  await gone(pid, 'stopped');
});

test('labbook engine stop stops it; stopping none is not an error', async (t) => {
  const { dir, env } = await engineProject(t);
  const { pid } = startedEngine(dir, env);
  const stop = engine(dir, env, 'stop');
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.stdout, `stopped the engine (pid ${pid}) of ${dir}/.labbook\n`);
  await gone(pid, 'stopped');
  assert.equal(engine(dir, env, 'status').code, 3);
  const again = engine(dir, env, 'stop', '--json');
  assert.equal(again.code, 0);
  assert.deepEqual(JSON.parse(again.stdout), { running: false, store: `${dir}/.labbook` });
});

test('an engine whose store is deleted exits', async (t) => {
  const { dir, env } = await engineProject(t);
  const { pid, log } = startedEngine(dir, env);
  rmSync(join(dir, '.labbook'), { recursive: true });
  await gone(pid, 'store deleted');
  assert.match(readFileSync(log, 'utf8'), /stopped: its store .* was removed/);
});

test('a second engine for the same store refuses to serve; bad settings are usage errors', async (t) => {
  const { dir, env } = await engineProject(t);
  startedEngine(dir, env);
  const second = engine(dir, env, 'serve');
  assert.equal(second.code, 3);
  assert.match(second.stderr, /an engine already serves .*\.labbook on this host/);

  const badFlag = engine(dir, env, 'serve', '--idle-timeout', 'soon');
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /--idle-timeout 'soon' is not a duration/);
  const badVariable = engine(dir, { ...env, LABBOOK_ENGINE_IDLE_TIMEOUT: '-1' }, 'start');
  assert.equal(badVariable.code, 2);
  assert.match(badVariable.stderr, /LABBOOK_ENGINE_IDLE_TIMEOUT '-1' is not a duration/);
});

test('a directory others may enter is refused before anything listens in it', async (t) => {
  const { dir, env } = await engineProject(t);
  const paths = enginePaths(join(dir, '.labbook'), env);
  engine(dir, env, 'status'); // makes the directory
  chmodSync(paths.dir, 0o755);
  const start = engine(dir, env, 'start');
  assert.equal(start.code, 3);
  assert.match(start.stderr, /may be entered by other users \(mode 755\): remove it/);
  assert.deepEqual(enginesOf(dir), []);
});

const NOBODY = 65534;
const canSwitchUser = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

test('a process of another uid cannot reach the engine, and is refused if its directory is opened', {
  skip: canSwitchUser ? false : 'needs root and setpriv to run a client as another uid (an unprivileged user namespace keeps the uid)',
}, async (t) => {
  const { dir, env } = await engineProject(t);
  const { socket, log } = startedEngine(dir, env);
  const asNobody = () =>
    spawnSync(
      'setpriv',
      [
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        process.execPath,
        repoPath('test', 'fixtures', 'engine-hello.mjs'),
        socket,
      ],
      { encoding: 'utf8' },
    );
  const blocked = asNobody();
  assert.match(blocked.stdout, /^connect failed: EACCES/, blocked.stderr);

  // As if the directories were opened by mistake: the engine's own check refuses the peer.
  const opened = [env.XDG_RUNTIME_DIR as string, enginePaths(join(dir, '.labbook'), env).dir];
  for (const path of opened) chmodSync(path, 0o755);
  chmodSync(socket, 0o777);
  const refused = asNobody();
  const answer = JSON.parse(refused.stdout);
  assert.equal(answer.error.code, 'LB_ENGINE_PEER_REFUSED');
  assert.match(answer.error.message, new RegExp(`serves only processes of uid 0, not uid ${NOBODY}`));
  assert.match(readFileSync(log, 'utf8'), new RegExp(`refused a client of uid ${NOBODY}`));
  for (const path of opened) chmodSync(path, 0o700);
  assert.equal(engine(dir, env, 'status').code, 0, 'it still serves its own user');
});
