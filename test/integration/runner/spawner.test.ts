import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { SpawnerLostError } from '../../../src/runner/runner-errors.js';
import { Spawner, SpawnFailure, type SpawnRequest } from '../../../src/runner/spawner.js';
import { isRunning, parentOf, processesWithArgument, uniqueSleep } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitUntil } from '../../helpers/wait.js';

async function spawner(t: TestContext): Promise<Spawner> {
  const started = await Spawner.start();
  t.after(() => started.close());
  return started;
}

function request(dir: string, argv: string[]): SpawnRequest {
  return {
    argv,
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GREETING: 'hi' },
    stdoutPath: join(dir, 'out'),
    stderrPath: join(dir, 'err'),
  };
}

/** Process group and session of a process, from /proc/PID/stat. */
function groupOf(pid: number): { pgid: number; sid: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgid: Number(fields[2]), sid: Number(fields[3]) };
}

test('a spawned run has its own session, its output in files, fd 3 connected, and its exit status reported', async (t) => {
  const dir = tempDir(t);
  const launcher = await spawner(t);
  const run = await launcher.spawn(
    request(dir, [
      'sh',
      '-c',
      'echo "$GREETING out"; echo err >&2; echo \'{"type":"log","message":"x"}\' >&3; read reply <&3; echo "$reply"; exit 7',
    ]),
  );
  assert.deepEqual(groupOf(run.pid), { pgid: run.pid, sid: run.pid });
  const lines: string[] = [];
  run.connection.onLine((line) => {
    lines.push(line);
    run.connection.socket.write('pong\n');
  });
  assert.deepEqual(await run.exited, { code: 7, signal: null });
  await run.connection.closed;
  assert.deepEqual(lines, ['{"type":"log","message":"x"}']);
  assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'hi out\npong\n');
  assert.equal(readFileSync(join(dir, 'err'), 'utf8'), 'err\n');
});

test('a run that wrote nothing leaves neither output files nor its directory; what a run wrote stays', async (t) => {
  const dir = tempDir(t);
  const launcher = await spawner(t);
  const runDir = (name: string) => join(dir, name);
  const inDir = (name: string, argv: string[]) => ({
    ...request(dir, argv),
    stdoutPath: join(runDir(name), 'stdout.log'),
    stderrPath: join(runDir(name), 'stderr.log'),
  });
  const silent = await launcher.spawn(inDir('silent', ['sh', '-c', 'test -d "$PWD" && exit 0']));
  const failed = await launcher.spawn(inDir('failed', ['sh', '-c', 'echo boom >&2; exit 1']));
  const writer = await launcher.spawn({ ...inDir('writer', ['sh', '-c', 'touch model.bin']), cwd: runDir('writer') });
  assert.deepEqual(await silent.exited, { code: 0, signal: null });
  assert.deepEqual(await failed.exited, { code: 1, signal: null });
  assert.deepEqual(await writer.exited, { code: 0, signal: null });
  assert.equal(existsSync(runDir('silent')), false, 'nothing of a silent run is left');
  assert.deepEqual(readdirSync(runDir('failed')), ['stderr.log']);
  assert.deepEqual(readdirSync(runDir('writer')), ['model.bin']);
  await assert.rejects(launcher.spawn(inDir('unstartable', ['no-such-command-for-labbook'])), SpawnFailure);
  assert.equal(existsSync(runDir('unstartable')), false, 'a run that could not start leaves nothing either');
  writeFileSync(join(dir, 'kept'), '');
  const outside = await launcher.spawn(request(dir, ['true']));
  await outside.exited;
  assert.deepEqual(readdirSync(dir).sort(), ['failed', 'kept', 'writer'], 'a directory holding other files stays');
});

test('a run killed by a signal reports the signal; a missing command is a SpawnFailure that says so', async (t) => {
  const dir = tempDir(t);
  const launcher = await spawner(t);
  const killed = await launcher.spawn(request(dir, ['sh', '-c', 'kill -KILL $$']));
  assert.deepEqual(await killed.exited, { code: null, signal: 'SIGKILL' });
  await assert.rejects(launcher.spawn(request(dir, ['no-such-command-for-labbook'])), (error: unknown) => {
    assert.ok(error instanceof SpawnFailure);
    assert.match(error.message, /cannot start 'no-such-command-for-labbook': no such command/);
    return true;
  });
  await assert.rejects(launcher.spawn({ ...request(dir, ['true']), cwd: join(dir, 'missing') }), SpawnFailure);
  const after = await launcher.spawn(request(dir, ['true']));
  assert.deepEqual(await after.exited, { code: 0, signal: null }, 'the launcher goes on after a failure');
});

test('close() stops the process groups of runs still going, even children that ignore SIGTERM', async (t) => {
  const dir = tempDir(t);
  const launcher = await Spawner.start();
  const sleep = uniqueSleep(60);
  const run = await launcher.spawn(request(dir, ['sh', '-c', `trap "" TERM; sleep ${sleep} & sleep ${sleep}; wait`]));
  await waitUntil(() => processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length === 2, { message: 'both sleeps started' });
  await launcher.close();
  await waitUntil(() => processesWithArgument(sleep).length === 0 && !isRunning(run.pid), {
    timeoutMs: 15_000,
    message: `left running: ${JSON.stringify(processesWithArgument(sleep))}`,
  });
});

test('many short runs at once each get their own connection and status', async (t) => {
  const dir = tempDir(t);
  const launcher = await spawner(t);
  const runs = await Promise.all(
    Array.from({ length: 50 }, (_, i) => launcher.spawn(request(dir, ['sh', '-c', `echo ${i} >&3; exit ${i % 5}`]))),
  );
  const results = await Promise.all(
    runs.map(
      (run) =>
        new Promise<[string, number | null]>((resolve) => {
          const lines: string[] = [];
          run.connection.onLine((line) => lines.push(line));
          void Promise.all([run.exited, run.connection.closed]).then(([status]) => resolve([lines.join(','), status.code]));
        }),
    ),
  );
  assert.deepEqual(
    results,
    Array.from({ length: 50 }, (_, i) => [String(i), i % 5]),
  );
});

/** The lb-spawn processes this test process started. */
function launchers(): number[] {
  return processesWithArgument('lb-spawn')
    .filter((p) => parentOf(p.pid) === process.pid && p.argv[0]?.endsWith('lb-spawn'))
    .map((p) => p.pid);
}

test('lb-spawn killed alone takes every process of its runs with it, and says so to every waiting run', async (t) => {
  const dir = tempDir(t);
  const launcher = await spawner(t);
  const sleep = uniqueSleep(60);
  // A run whose leader ignores SIGTERM and has a child in its group: a group kill must get both.
  const run = await launcher.spawn(request(dir, ['sh', '-c', `trap "" TERM; sleep ${sleep} & sleep ${sleep}; wait`]));
  await waitUntil(() => processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length === 2, { message: 'both sleeps started' });
  const [pid] = launchers();
  assert.ok(pid, 'found the launcher');
  process.kill(pid, 'SIGKILL');

  await assert.rejects(run.exited, (error: unknown) => {
    assert.ok(error instanceof SpawnerLostError);
    assert.equal(error.code, 'LB_SPAWNER_LOST');
    assert.match(error.message, new RegExp(`the process launcher lb-spawn \\(pid ${pid}\\) was killed by SIGKILL`));
    return true;
  });
  await waitUntil(() => processesWithArgument(sleep).length === 0 && !isRunning(run.pid), {
    timeoutMs: 5_000,
    message: `left running: ${JSON.stringify(processesWithArgument(sleep))}`,
  });
  await assert.rejects(launcher.spawn(request(dir, ['true'])), SpawnerLostError, 'no run is started without a launcher');
});

test('lb-spawn leaves the process group of its worker: a signal to that group is the worker’s alone', async (t) => {
  await spawner(t);
  const [pid] = launchers();
  assert.ok(pid, 'found the launcher');
  // The launcher leaves the group as it starts (setsid), a moment after the spawn returned.
  await waitUntil(() => groupOf(pid).sid !== groupOf(process.pid).sid, { message: 'lb-spawn is still in the session of its worker' });
  assert.notEqual(groupOf(pid).pgid, groupOf(process.pid).pgid);
});
