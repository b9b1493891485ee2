import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { SpawnerLostError } from '../../../src/runner/runner-errors.js';
import { type SpawnedRun, Spawner, SpawnFailure, type SpawnRequest } from '../../../src/runner/spawner.js';
import { isRunning, parentOf, processesWithArgument, uniqueSleep } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitUntil } from '../../helpers/wait.js';

/** A launcher running at most `slots` runs at once. */
function spawner(t: TestContext, slots = 64): Spawner {
  const started = Spawner.start(process.env, slots);
  t.after(() => started.close());
  return started;
}

function request(dir: string, argv: string[]): SpawnRequest {
  return { argv, cwd: dir, env: { GREETING: 'hi' }, stdoutPath: join(dir, 'out'), stderrPath: join(dir, 'err') };
}

/** The pid of a run that must start. */
async function pidOf(run: SpawnedRun): Promise<number> {
  const pid = await run.started;
  assert.ok(pid !== undefined, 'the run started');
  return pid;
}

/** Process group and session of a process, from /proc/PID/stat. */
function groupOf(pid: number): { pgid: number; sid: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgid: Number(fields[2]), sid: Number(fields[3]) };
}

test('a spawned run has its own session, its output in files, fd 3 connected, and its exit status reported', async (t) => {
  const dir = tempDir(t);
  const launcher = spawner(t);
  const run = launcher.spawn(
    request(dir, [
      'sh',
      '-c',
      'echo "$GREETING out"; echo err >&2; echo \'{"type":"log","message":"x"}\' >&3; read reply <&3; echo "$reply"; exit 7',
    ]),
  );
  const pid = await pidOf(run);
  assert.deepEqual(groupOf(pid), { pgid: pid, sid: pid });
  const lines: string[] = [];
  run.connection.onLine((line) => {
    lines.push(line);
    run.connection.send('pong\n');
  });
  assert.deepEqual(await run.exited, { code: 7, signal: null });
  await run.connection.closed;
  assert.deepEqual(lines, ['{"type":"log","message":"x"}']);
  assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'hi out\npong\n');
  assert.equal(readFileSync(join(dir, 'err'), 'utf8'), 'err\n');
});

test('a run that wrote nothing leaves neither output files nor its directory; what a run wrote stays', async (t) => {
  const dir = tempDir(t);
  const launcher = spawner(t);
  const runDir = (name: string) => join(dir, name);
  const inDir = (name: string, argv: string[]) => ({
    ...request(dir, argv),
    stdoutPath: join(runDir(name), 'stdout.log'),
    stderrPath: join(runDir(name), 'stderr.log'),
  });
  const silent = launcher.spawn(inDir('silent', ['sh', '-c', 'test -d "$PWD" && exit 0']));
  const failed = launcher.spawn(inDir('failed', ['sh', '-c', 'echo boom >&2; exit 1']));
  const writer = launcher.spawn({ ...inDir('writer', ['sh', '-c', 'touch model.bin']), cwd: runDir('writer') });
  assert.deepEqual(await silent.exited, { code: 0, signal: null });
  assert.deepEqual(await failed.exited, { code: 1, signal: null });
  assert.deepEqual(await writer.exited, { code: 0, signal: null });
  assert.equal(existsSync(runDir('silent')), false, 'nothing of a silent run is left');
  assert.deepEqual(readdirSync(runDir('failed')), ['stderr.log']);
  assert.deepEqual(readdirSync(runDir('writer')), ['model.bin']);
  await assert.rejects(launcher.spawn(inDir('unstartable', ['no-such-command-for-labbook'])).started, SpawnFailure);
  assert.equal(existsSync(runDir('unstartable')), false, 'a run that could not start leaves nothing either');
  writeFileSync(join(dir, 'kept'), '');
  const outside = launcher.spawn(request(dir, ['true']));
  await outside.exited;
  assert.deepEqual(readdirSync(dir).sort(), ['failed', 'kept', 'writer'], 'a directory holding other files stays');
});

test('a run killed by a signal reports the signal; a missing command is a SpawnFailure that says so', async (t) => {
  const dir = tempDir(t);
  const launcher = spawner(t);
  const killed = launcher.spawn(request(dir, ['sh', '-c', 'kill -KILL $$']));
  assert.deepEqual(await killed.exited, { code: null, signal: 'SIGKILL' });
  await assert.rejects(launcher.spawn(request(dir, ['no-such-command-for-labbook'])).started, (error: unknown) => {
    assert.ok(error instanceof SpawnFailure);
    assert.match(error.message, /cannot start 'no-such-command-for-labbook': no such command/);
    return true;
  });
  await assert.rejects(launcher.spawn({ ...request(dir, ['true']), cwd: join(dir, 'missing') }).started, SpawnFailure);
  const after = launcher.spawn(request(dir, ['true']));
  assert.deepEqual(await after.exited, { code: 0, signal: null }, 'the launcher goes on after a failure');
});

test('close() stops the process groups of runs still going, even children that ignore SIGTERM', async (t) => {
  const dir = tempDir(t);
  const launcher = Spawner.start(process.env, 64);
  const sleep = uniqueSleep(60);
  const run = launcher.spawn(request(dir, ['sh', '-c', `trap "" TERM; sleep ${sleep} & sleep ${sleep}; wait`]));
  const runPid = await pidOf(run);
  await waitUntil(() => processesWithArgument(sleep).filter((p) => p.argv[0] === 'sleep').length === 2, { message: 'both sleeps started' });
  await launcher.close();
  await waitUntil(() => processesWithArgument(sleep).length === 0 && !isRunning(runPid), {
    timeoutMs: 15_000,
    message: `left running: ${JSON.stringify(processesWithArgument(sleep))}`,
  });
});

test('many short runs at once each get their own channel and status', async (t) => {
  const dir = tempDir(t);
  const launcher = spawner(t);
  const runs = Array.from({ length: 50 }, (_, i) => launcher.spawn(request(dir, ['sh', '-c', `echo ${i} >&3; exit ${i % 5}`])));
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
  const launcher = spawner(t);
  const sleep = uniqueSleep(60);
  // A run whose leader ignores SIGTERM and has a child in its group: a group kill must get both.
  const run = launcher.spawn(request(dir, ['sh', '-c', `trap "" TERM; sleep ${sleep} & sleep ${sleep}; wait`]));
  const runPid = await pidOf(run);
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
  await waitUntil(() => processesWithArgument(sleep).length === 0 && !isRunning(runPid), {
    timeoutMs: 5_000,
    message: `left running: ${JSON.stringify(processesWithArgument(sleep))}`,
  });
  await assert.rejects(launcher.spawn(request(dir, ['true'])).started, SpawnerLostError, 'no run is started without a launcher');
});

test('lb-spawn leaves the process group of its worker: a signal to that group is the worker’s alone', async (t) => {
  spawner(t);
  const [pid] = launchers();
  assert.ok(pid, 'found the launcher');
  // The launcher leaves the group as it starts (setsid), a moment after the spawn returned.
  await waitUntil(() => groupOf(pid).sid !== groupOf(process.pid).sid, { message: 'lb-spawn is still in the session of its worker' });
  assert.notEqual(groupOf(pid).pgid, groupOf(process.pid).pgid);
});

test('runs beyond the slots wait and start in order as a slot frees; one still waiting can be cancelled', async (t) => {
  const dir = tempDir(t);
  const launcher = spawner(t, 1);
  const marker = join(dir, 'ran');
  const first = launcher.spawn(request(dir, ['sh', '-c', 'sleep 0.3; echo first >> order']));
  const cancelled = launcher.spawn(request(dir, ['touch', marker]));
  const second = launcher.spawn(request(dir, ['sh', '-c', 'echo second >> order']));
  const events: string[] = [];
  void first.exited.then(() => events.push('first exited'));
  void second.started.then(() => events.push('second started'));
  await pidOf(first);
  cancelled.cancel();
  assert.equal(await cancelled.started, undefined, 'a cancelled run never starts');
  await cancelled.connection.closed;
  assert.deepEqual(await second.exited, { code: 0, signal: null });
  assert.deepEqual(events, ['first exited', 'second started']);
  assert.equal(readFileSync(join(dir, 'order'), 'utf8'), 'first\nsecond\n');
  assert.equal(existsSync(marker), false);
  first.cancel(); // too late: it ran, nothing changes
  assert.deepEqual(await first.exited, { code: 0, signal: null });
});

test('while runs wait for a slot, a run’s end still reaches the worker before the next run ends', async (t) => {
  // The launcher holds "started" and "exited" lines briefly while runs wait; held, they must
  // still go out on their own, not with the next event (here, nothing happens until the test says).
  const dir = tempDir(t);
  const launcher = spawner(t, 1);
  const held = ['sh', '-c', 'while [ ! -e release ]; do sleep 0.02; done'];
  const first = launcher.spawn(request(dir, ['true']));
  const second = launcher.spawn(request(dir, held));
  const third = launcher.spawn(request(dir, held));
  let firstEnded = false;
  void first.exited.then(() => {
    firstEnded = true;
  });
  await waitUntil(() => firstEnded, { timeoutMs: 10_000, message: 'the first run’s exit never came while the second ran' });
  await pidOf(second);
  writeFileSync(join(dir, 'release'), '');
  assert.deepEqual(await second.exited, { code: 0, signal: null });
  assert.deepEqual(await third.exited, { code: 0, signal: null });
});

test('what a run wrote to fd 3 arrives before its exit; what it left in its group is killed as it ends', async (t) => {
  const dir = tempDir(t);
  const launcher = spawner(t);
  const sleep = uniqueSleep(60);
  const run = launcher.spawn(
    request(dir, ['sh', '-c', `sleep ${sleep} 3>&- & for i in 1 2 3; do echo "line $i" >&3; done; printf tail >&3`]),
  );
  const lines: string[] = [];
  run.connection.onLine((line) => lines.push(line));
  await run.exited;
  assert.deepEqual(lines.slice(0, 3), ['line 1', 'line 2', 'line 3'], 'every complete line came before the exit');
  await run.connection.closed;
  assert.deepEqual(lines, ['line 1', 'line 2', 'line 3', 'tail'], 'the unterminated last line comes at the end');
  await waitUntil(() => processesWithArgument(sleep).length === 0, { message: 'the sleep left in the run’s group is still running' });
});

test('a process outside the run’s group that holds fd 3 keeps the channel open until the worker hangs up', async (t) => {
  const dir = tempDir(t);
  const launcher = spawner(t);
  const sleep = uniqueSleep(60);
  t.after(() => {
    for (const straggler of processesWithArgument(sleep)) process.kill(straggler.pid, 'SIGKILL');
  });
  // The straggler says it left the run's session before the run ends (else the end's group kill takes it).
  const straggle = `setsid sh -c 'touch left; exec sleep ${sleep}' >/dev/null 2>&1 & while [ ! -e left ]; do sleep 0.01; done; echo hi >&3`;
  const run = launcher.spawn(request(dir, ['sh', '-c', straggle]));
  const lines: string[] = [];
  run.connection.onLine((line) => lines.push(line));
  await run.exited;
  let closed = false;
  void run.connection.closed.then(() => {
    closed = true;
  });
  assert.equal(processesWithArgument(sleep).length, 1, 'the straggler runs');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(closed, false, 'the straggler holds fd 3 open');
  run.hangUp();
  await run.connection.closed;
  assert.deepEqual(lines, ['hi']);
});

test('run directories set aside by the launcher are there and empty for the next runs, and gone when it closes', async (t) => {
  const dir = tempDir(t);
  const launcher = Spawner.start(process.env, 1);
  const inRunDir = (name: string, script: string) => {
    const runDir = join(dir, name);
    return launcher.spawn({
      ...request(dir, ['sh', '-c', script, 'sh', runDir]),
      stdoutPath: join(runDir, 'stdout.log'),
      stderrPath: join(runDir, 'stderr.log'),
    });
  };
  // Each run checks that its directory is there and empty; the writer leaves a file in its own.
  const check = 'test -d "$1" && test -z "$(ls -A "$1")" || exit 3';
  const runs = [
    inRunDir('a', check),
    inRunDir('b', `${check}; touch "$1/kept"`),
    ...['c', 'd', 'e', 'f'].map((name) => inRunDir(name, check)),
  ];
  const statuses = await Promise.all(runs.map((run) => run.exited));
  assert.deepEqual(
    statuses.map((status) => status.code),
    [0, 0, 0, 0, 0, 0],
  );
  assert.ok(
    readdirSync(dir).some((name) => name.startsWith('.lb-spare-')),
    'the launcher keeps empty directories aside while it runs',
  );
  await launcher.close();
  assert.deepEqual(readdirSync(dir), ['b'], 'only what a run wrote stays');
  assert.deepEqual(readdirSync(join(dir, 'b')), ['kept']);
});
