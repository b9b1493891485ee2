import { appendFile, mkdir, readFile, unlink } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join, sep } from 'node:path';
import type { PythonInfo } from '../track/environment.js';
import { runEnvironment } from './command-line.js';
import { type Execution, type Executor, notStarted, type RunEnd, type RunTask, type StopReason } from './executor.js';
import { LineSplitter } from './line-splitter.js';
import { SlotMonitor, terminateGroup } from './process-group.js';
import { serveChannel } from './run-channel.js';
import type { RunRecorder } from './run-recorder.js';
import { readStderrTail, stderrStartOf } from './stderr-tail.js';

/** The Unix socket of the Python driver's fork server; the driver sets it for the engine it starts. */
export const DRIVER_SOCKET_VARIABLE = 'LABBOOK_PY_SERVER';
/** The driver's own command line (JSON list: interpreter, script, arguments), recorded as the runs' command. */
export const DRIVER_ARGV_VARIABLE = 'LABBOOK_PY_ARGV';
/** The driver's description of its interpreter (JSON, as PythonInfo), recorded instead of probing it. */
export const DRIVER_PYTHON_VARIABLE = 'LABBOOK_PY_INFO';

/**
 * The most runs a slot takes at once (the worker hands it as many as take ~10 ms, see
 * WorkerOptions.runsPerSlot, and tops it up by halves): the next ones wait in its connection,
 * so it begins each as soon as the one before ends instead of waiting for the engine to answer
 * its `!end`. Runs of ~0.1 ms need that many for the top-ups to be one claim and one write per
 * slot for many runs: 1,000 of them take ~12 claim transactions instead of ~40 at 32 per slot.
 */
export const DRIVER_RUNS_PER_SLOT = 128;

export interface DriverExecutorOptions {
  /** The driver's fork server (from $LABBOOK_PY_SERVER). */
  socketPath: string;
  /** Slot processes to open at most (the worker's slots); runs beyond them wait in a slot's queue. */
  processes: number;
  cwd: string;
  storeDir: string;
  killGraceMs?: number;
  now: () => number;
}

/** A run sent to a slot. */
interface SlotRun {
  recorder: RunRecorder;
  line?: (line: string) => void;
  /** Called when the slot begins it (at once on an idle slot, else when the run before ends). */
  begin: () => void;
  begun: boolean;
  /** Its exit status; null when the slot went away; 'skipped' when the slot gave it back unbegun. */
  end: (code: number | null | 'skipped') => void;
}

/** Where the files of a run that ended in its slot are, and whether it was stopped, for endOf. */
interface EndingRun {
  runDir: string;
  stderrPath: string;
  /** Where this attempt's stderr starts in it. */
  stderrStart: number;
  stopped: StopReason | undefined;
}

/** One persistent Python process of the driver, executing one run at a time. */
interface Slot {
  socket: Socket;
  /** Its pid (the leader of its own process group), once it said hello. */
  pid?: number;
  /** Samples its CPU and memory into the run going on (made with its pid, at its hello). */
  monitor?: SlotMonitor;
  /** The files its runs' stdout and stderr go to while they run (from its hello). */
  outputs?: { stdout: string; stderr: string };
  /** The runs sent to it, in order: the first one executes (its protocol lines go there, `!end` ends it), the others wait. */
  runs: SlotRun[];
  stopRequested: boolean;
  closed: boolean;
  /** What to write to it at the end of this turn of the event loop (see send). */
  outbox?: string;
  /** Why the connection failed (the fork server is not there), if it did. */
  error?: string;
}

/**
 * Runs the runs of a Python driver (`driver: python`: labbook.run, the decorator, the compat
 * layers) in the driver's slot processes: each slot is forked once from the driver (its
 * function and modules loaded) and executes runs one after another, so a run costs a message,
 * not an interpreter start. Per run the worker sends one JSON line `{"env": {...}, "cwd": ...}`
 * (the LABBOOK_* variables of docs/protocol.md); the slot speaks the fd-3 protocol on the same
 * connection and ends the run with `!end <exit status>`. A slot may hold several runs (up to
 * `processes` slots, then runs queue in the one with the fewest): it begins each when the one
 * before ends, and `{"skip": id}` takes back one it has not begun (it answers `!skip`). The slot
 * tells answers to a run's requests from queued runs by their start, `{"id":`. The slot appends
 * the run's output to its run directory's logs (making the directory only then). A slot that
 * dies mid-run (a crash, a timeout's kill) fails that run, its output is moved to the run's
 * logs here, the runs waiting in it end as not started, and it is replaced by a new one for
 * the next. See docs/python.md and clients/python/.../_slot.py.
 */
export class DriverExecutor implements Executor {
  private readonly idle: Slot[] = [];
  private readonly all = new Set<Slot>();

  constructor(private readonly options: DriverExecutorOptions) {}

  start(task: RunTask): Execution {
    const slot = this.slotFor();
    const { run, spec, runDir, recorder } = task;
    // Concatenated: join() normalises, on every run's path (see LoadOnce for why that matters).
    const stderrPath = `${runDir}${sep}stderr.log`;
    const stderrStart = stderrStartOf(stderrPath, run.attempt);
    let stopped: StopReason | undefined;
    // Driven by the slot's lines rather than by awaits: a short run's path is the engine's hot path.
    const begun = Promise.withResolvers<void>();
    const finished = Promise.withResolvers<number | null | 'skipped'>();
    const entry: SlotRun = {
      recorder,
      begun: false,
      begin: () => {
        entry.begun = true;
        begun.resolve();
        slot.monitor?.begin(recorder); // a new slot's monitor, made when it says hello, begins with its first run then
      },
      end: finished.resolve,
    };
    // A run still waiting in the slot is taken back (the slot answers `!skip`, unless it began it meanwhile).
    const withdraw = () => {
      if (!entry.begun && !slot.closed) send(slot, `${JSON.stringify({ skip: run.id })}\n`);
    };
    const channel = serveChannel(
      {
        send: (text) => send(slot, text),
        onLine: (handler) => {
          entry.line = handler;
        },
        closed: finished.promise,
      },
      recorder,
      { now: this.options.now, ...(task.preempted && { preempted: task.preempted }) },
    );
    slot.runs.push(entry);
    if (slot.closed) entry.end(null);
    else if (slot.runs.length === 1) entry.begin();
    const builtins = { run_id: run.id, run_dir: runDir, experiment: run.experiment, attempt: run.attempt };
    const env = runEnvironment(run, spec.settings, builtins, this.options.storeDir, task.devices);
    send(slot, `${JSON.stringify({ env, cwd: this.options.cwd })}\n`);
    const ended = finished.promise.then((code) =>
      channel.then(() => this.endOf(slot, entry, code, { runDir, stderrPath, stderrStart, stopped })),
    );
    return {
      ended,
      begun: begun.promise,
      stop: (reason) => {
        if (stopped) return;
        stopped = reason;
        if (entry.begun) this.stopSlot(slot);
        else withdraw();
      },
      withdraw,
    };
  }

  /** How a run ended, from its slot's `!end` status (null: the slot went away; 'skipped': given back unbegun). */
  private endOf(slot: Slot, entry: SlotRun, code: number | null | 'skipped', at: EndingRun): RunEnd | Promise<RunEnd> {
    if (code === 'skipped' || (code === null && !entry.begun)) return notStarted('its Python slot ended before it began');
    if (code === null) return this.endOfDeadSlot(slot, at);
    if (slot.stopRequested) this.discard(slot);
    else if (slot.runs.length === 0 && !this.idle.includes(slot)) this.idle.push(slot);
    if (code === 0) return { ok: true, result: entry.recorder.result, exitCode: 0 };
    return readStderrTail(at.stderrPath, at.stderrStart).then((error) => ({
      ok: false,
      reason: `exit status ${code}`,
      error,
      exitCode: code,
    }));
  }

  /** A slot that died mid-run fails the run: its output goes to the run's logs, with its stderr's tail as the error. */
  private async endOfDeadSlot(slot: Slot, at: EndingRun): Promise<RunEnd> {
    this.discard(slot);
    await moveOutputs(slot, at.runDir);
    const tail = await readStderrTail(at.stderrPath, at.stderrStart);
    const how = slot.error ?? (at.stopped ? `stopped (${at.stopped})` : 'the Python slot process died during the run');
    return { ok: false, reason: at.stopped ? 'stopped' : 'slot died', error: tail ? `${tail}\n${how}` : how, exitCode: null };
  }

  /**
   * Opens every slot now, idle until runs come: a session that has runs to add first has the
   * fork server fork them meanwhile, instead of after it, when its first runs wait for them.
   */
  openSlots(): void {
    while (this.all.size < this.options.processes) this.idle.push(this.openSlot(this.options.socketPath));
  }

  async close(): Promise<void> {
    for (const slot of this.all) slot.socket.end();
    this.all.clear();
    this.idle.length = 0;
  }

  /** An idle slot; else a new one while there are fewer than `processes`; else the one with the fewest runs. */
  private slotFor(): Slot {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.all.size < this.options.processes) return this.openSlot(this.options.socketPath);
    let fewest: Slot | undefined;
    for (const slot of this.all) {
      if (!slot.stopRequested && !slot.closed && (!fewest || slot.runs.length < fewest.runs.length)) fewest = slot;
    }
    return fewest ?? this.openSlot(this.options.socketPath);
  }

  private openSlot(path: string): Slot {
    const slot: Slot = { socket: connect(path), runs: [], stopRequested: false, closed: false };
    this.all.add(slot);
    const lines = new LineSplitter((line) => this.onLine(slot, line));
    slot.socket.on('data', (chunk: Buffer) => lines.push(chunk));
    slot.socket.on('error', (error: NodeJS.ErrnoException) => {
      if (slot.pid === undefined) slot.error = `cannot reach the Python driver's fork server at ${path} (${error.code ?? error.message})`;
    });
    slot.socket.on('close', () => {
      slot.closed = true;
      slot.monitor?.end();
      this.discard(slot);
      for (const run of slot.runs.splice(0)) run.end(null);
    });
    return slot;
  }

  private onLine(slot: Slot, line: string): void {
    // Control lines start with '!'; everything else is the fd-3 protocol of the current run.
    if (line.charCodeAt(0) !== 33) {
      slot.runs[0]?.line?.(line);
      return;
    }
    const space = line.indexOf(' ');
    const word = line.slice(1, space < 0 ? undefined : space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (word === 'slot') {
      const hello = JSON.parse(value) as { pid: number; stdout: string; stderr: string };
      slot.pid = hello.pid;
      slot.monitor = new SlotMonitor(hello.pid);
      if (slot.runs[0]?.begun) slot.monitor.begin(slot.runs[0].recorder);
      slot.outputs = { stdout: hello.stdout, stderr: hello.stderr };
      if (slot.stopRequested) terminateGroup(slot.pid, this.options.killGraceMs);
    } else if (word === 'end' || word === 'skip') {
      slot.monitor?.end();
      slot.runs.shift()?.end(word === 'end' ? Number(value) : 'skipped');
      // The slot went on to the next run it holds; in a slot being stopped, those are given back unbegun.
      if (!slot.stopRequested) slot.runs[0]?.begin();
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

/**
 * Writes `text` to the slot with whatever else is written to it in this turn of the event loop
 * (the runs of a batch the worker started, a skip, answers), in order and in one write: one
 * string and one write per batch instead of a stream write and a tick per run.
 */
function send(slot: Slot, text: string): void {
  if (slot.outbox !== undefined) {
    slot.outbox += text;
    return;
  }
  slot.outbox = text;
  process.nextTick(() => {
    const written = slot.outbox as string;
    slot.outbox = undefined;
    if (!slot.socket.destroyed) slot.socket.write(written);
  });
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
