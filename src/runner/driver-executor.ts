import { appendFile, mkdir, readFile, unlink } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { PythonInfo } from '../track/environment.js';
import { runEnvironment } from './command-line.js';
import type { Execution, Executor, RunEnd, RunTask, StopReason } from './executor.js';
import { LineSplitter } from './line-splitter.js';
import { monitorGroup, terminateGroup } from './process-group.js';
import { serveChannel } from './run-channel.js';
import { readStderrTail, stderrStartOf } from './stderr-tail.js';

/** The Unix socket of the Python driver's fork server; the driver sets it for the engine it starts. */
export const DRIVER_SOCKET_VARIABLE = 'LABBOOK_PY_SERVER';
/** The driver's own command line (JSON list: interpreter, script, arguments), recorded as the runs' command. */
export const DRIVER_ARGV_VARIABLE = 'LABBOOK_PY_ARGV';
/** The driver's description of its interpreter (JSON, as PythonInfo), recorded instead of probing it. */
export const DRIVER_PYTHON_VARIABLE = 'LABBOOK_PY_INFO';

export interface DriverExecutorOptions {
  /** The driver's fork server (from $LABBOOK_PY_SERVER). */
  socketPath: string;
  cwd: string;
  storeDir: string;
  killGraceMs?: number;
  now: () => number;
}

/** One persistent Python process of the driver, executing one run at a time. */
interface Slot {
  socket: Socket;
  /** Its pid (the leader of its own process group), once it said hello. */
  pid?: number;
  /** The files its runs' stdout and stderr go to while they run (from its hello). */
  outputs?: { stdout: string; stderr: string };
  /** Resolves when it said hello (or went away before). */
  ready: Promise<void>;
  markReady: () => void;
  /** Set while it executes a run: its protocol lines go there, `!end` ends it. */
  current?: { line?: (line: string) => void; end: (code: number | null) => void };
  stopRequested: boolean;
  closed: boolean;
  /** Why the connection failed (the fork server is not there), if it did. */
  error?: string;
}

/**
 * Runs the runs of a Python driver (`driver: python`: labbook.run, the decorator, the compat
 * layers) in the driver's slot processes: each slot is forked once from the driver (its
 * function and modules loaded) and executes runs one after another, so a run costs a message,
 * not an interpreter start. Per run the worker sends one JSON line `{"env": {...}, "cwd": ...}`
 * (the LABBOOK_* variables of docs/protocol.md); the slot speaks the fd-3 protocol on the same
 * connection and ends the run with `!end <exit status>`. The slot appends the run's output to
 * its run directory's logs (making the directory only then). A slot that dies mid-run (a crash,
 * a timeout's kill) fails that run, its output is moved to the run's logs here, and it is
 * replaced by a new one for the next. See docs/python.md and clients/python/.../_slot.py.
 */
export class DriverExecutor implements Executor {
  private readonly idle: Slot[] = [];
  private readonly all = new Set<Slot>();

  constructor(private readonly options: DriverExecutorOptions) {}

  start(task: RunTask): Execution {
    let slot: Slot | undefined;
    let stopped: StopReason | undefined;
    const ended = (async (): Promise<RunEnd> => {
      slot = this.idle.pop() ?? this.openSlot(this.options.socketPath);
      const { run, spec, runDir, recorder } = task;
      const stderrPath = join(runDir, 'stderr.log');
      const stderrStart = stderrStartOf(stderrPath, run.attempt);
      const current: NonNullable<Slot['current']> = { end: () => {} };
      const finished = new Promise<number | null>((resolve) => {
        current.end = resolve;
      });
      slot.current = current;
      const channel = serveChannel(
        {
          socket: slot.socket,
          onLine: (handler) => {
            current.line = handler;
          },
          closed: finished.then(() => undefined),
        },
        recorder,
        { now: this.options.now },
      );
      if (slot.closed) current.end(null);
      const builtins = { run_id: run.id, run_dir: runDir, experiment: run.experiment, attempt: run.attempt };
      const { LABBOOK_CHANNEL_FD: _, ...env } = runEnvironment(run.params, spec.settings, builtins, this.options.storeDir);
      slot.socket.write(`${JSON.stringify({ env, cwd: this.options.cwd })}\n`);
      if (stopped) this.stopSlot(slot);
      await slot.ready; // a new slot's pid, for sampling its CPU and memory
      const stopMonitor = slot.pid === undefined ? () => {} : monitorGroup(slot.pid, recorder);
      const code = await finished;
      stopMonitor();
      slot.current = undefined;
      await channel;
      if (code === null) {
        this.discard(slot);
        await moveOutputs(slot, runDir);
        const tail = await readStderrTail(stderrPath, stderrStart);
        const how = slot.error ?? (stopped ? `stopped (${stopped})` : 'the Python slot process died during the run');
        return { ok: false, reason: stopped ? 'stopped' : 'slot died', error: tail ? `${tail}\n${how}` : how, exitCode: null };
      }
      if (stopped) this.discard(slot);
      else this.idle.push(slot);
      if (code === 0) return { ok: true, result: recorder.result, exitCode: 0 };
      return { ok: false, reason: `exit status ${code}`, error: await readStderrTail(stderrPath, stderrStart), exitCode: code };
    })();
    return {
      ended,
      stop: (reason) => {
        if (stopped) return;
        stopped = reason;
        if (slot) this.stopSlot(slot);
      },
    };
  }

  async close(): Promise<void> {
    for (const slot of this.all) slot.socket.end();
    this.all.clear();
    this.idle.length = 0;
  }

  private openSlot(path: string): Slot {
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const slot: Slot = { socket: connect(path), ready, markReady, stopRequested: false, closed: false };
    this.all.add(slot);
    const lines = new LineSplitter((line) => this.onLine(slot, line));
    slot.socket.on('data', (chunk: Buffer) => lines.push(chunk));
    slot.socket.on('error', (error: NodeJS.ErrnoException) => {
      if (slot.pid === undefined) slot.error = `cannot reach the Python driver's fork server at ${path} (${error.code ?? error.message})`;
    });
    slot.socket.on('close', () => {
      slot.closed = true;
      slot.markReady();
      this.discard(slot);
      slot.current?.end(null);
    });
    return slot;
  }

  private onLine(slot: Slot, line: string): void {
    // Control lines start with '!'; everything else is the fd-3 protocol of the current run.
    if (line.charCodeAt(0) !== 33) {
      slot.current?.line?.(line);
      return;
    }
    const space = line.indexOf(' ');
    const word = line.slice(1, space < 0 ? undefined : space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (word === 'slot') {
      const hello = JSON.parse(value) as { pid: number; stdout: string; stderr: string };
      slot.pid = hello.pid;
      slot.outputs = { stdout: hello.stdout, stderr: hello.stderr };
      slot.markReady();
      if (slot.stopRequested) terminateGroup(slot.pid, this.options.killGraceMs);
    } else if (word === 'end') {
      slot.current?.end(Number(value));
    }
  }

  private stopSlot(slot: Slot): void {
    slot.stopRequested = true;
    terminateGroup(slot.pid, this.options.killGraceMs);
  }

  private discard(slot: Slot): void {
    this.all.delete(slot);
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    if (!slot.closed) slot.socket.end();
  }
}

/** What a dead slot's run wrote goes to the run's stdout.log / stderr.log, as the slot would have done. */
async function moveOutputs(slot: Slot, runDir: string): Promise<void> {
  for (const [name, path] of Object.entries(slot.outputs ?? {})) {
    const written = await readFile(path).catch(() => Buffer.alloc(0));
    if (written.length > 0) {
      await mkdir(runDir, { recursive: true });
      await appendFile(join(runDir, `${name}.log`), written);
    }
    await unlink(path).catch(() => {});
  }
}

/** The command line recorded in a driver run's environment: the driver's, as it said. */
export function driverCommandLine(env: NodeJS.ProcessEnv): string[] {
  const argv = driverJson(env, DRIVER_ARGV_VARIABLE);
  return isStringList(argv) ? argv : ['python driver'];
}

/**
 * The driver's interpreter as it described itself (clients/python/.../_interpreter.py), or
 * undefined when that is missing or malformed: the engine then probes the interpreter itself.
 */
export function driverPython(env: NodeJS.ProcessEnv): PythonInfo | undefined {
  const info = driverJson(env, DRIVER_PYTHON_VARIABLE);
  return isPythonInfo(info) ? { executable: info.executable, version: info.version, packages: info.packages } : undefined;
}

/** What the driver passed as JSON in the variable `name`; undefined when it is not set or not JSON. */
function driverJson(env: NodeJS.ProcessEnv, name: string): unknown {
  try {
    return JSON.parse(env[name] ?? '');
  } catch {
    return undefined;
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isPythonInfo(value: unknown): value is PythonInfo {
  if (typeof value !== 'object' || value === null) return false;
  const { executable, version, packages } = value as Record<string, unknown>;
  return (
    typeof executable === 'string' && (version === null || typeof version === 'string') && (packages === null || isStringList(packages))
  );
}
