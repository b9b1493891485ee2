import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { SPAWNER_PATH } from '../package-files.js';
import { LineSplitter } from './line-splitter.js';
import { signalGroup } from './process-group.js';
import { SpawnerLostError, SpawnerMissingError } from './runner-errors.js';
import { SpawnerReplies } from './spawner-replies.js';

/**
 * Starts run processes through lb-spawn (src/runner/spawner/lb-spawn.c): a small helper
 * that forks cheaply, starts the runs handed to it as slots free (without waiting for this
 * process), gives every run its own process group, carries each run's fd 3 over its own
 * pipes, and kills the runs' groups if this process dies. See that file for the wire format.
 * If the helper dies first, this process kills the runs' groups, and every run still waiting
 * for its start or its end gets a SpawnerLostError.
 */

export interface SpawnRequest {
  argv: readonly string[];
  cwd: string;
  /** The run's own variables, on top of the worker's environment (the one the Spawner started with). */
  env: Readonly<Record<string, string>>;
  stdoutPath: string;
  stderrPath: string;
}

export interface ExitStatus {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The fd-3 channel of a run: its lines, then its end. */
export interface RunConnection {
  /** Lines received before `onLine` was set are replayed to it. */
  onLine(handler: (line: string) => void): void;
  /** Writes to the run's side (nothing once it is closed). */
  send(text: string): void;
  /** Resolves when the run's side closed (every process holding fd 3 exited). */
  closed: Promise<unknown>;
}

export interface SpawnedRun {
  /**
   * Resolves with the run's pid when it starts (it waits while the launcher's slots are taken),
   * or with undefined when cancel() came first. Rejects with SpawnFailure when it cannot start,
   * with SpawnerLostError when lb-spawn died first.
   */
  started: Promise<number | undefined>;
  /** Rejects with SpawnerLostError when lb-spawn died first (the run was killed then). */
  exited: Promise<ExitStatus>;
  connection: RunConnection;
  /** Takes the run back if it has not started (`started` resolves with undefined); one that started goes on. */
  cancel(): void;
  /** Stops serving its fd 3 (a process outside the run's group holds it open): `connection.closed` resolves. */
  hangUp(): void;
}

/** The command could not be started (not found, not executable, bad directory). */
export class SpawnFailure extends Error {
  constructor(
    readonly errno: number,
    argv0: string,
  ) {
    super(describeErrno(errno, argv0));
  }
}

interface Entry {
  argv0: string;
  pid?: number;
  started: PromiseWithResolvers<number | undefined>;
  exited: PromiseWithResolvers<ExitStatus>;
  closed: PromiseWithResolvers<void>;
  /** Made when the run first writes to fd 3 (most runs never do). */
  lines?: LineSplitter;
  handler?: (line: string) => void;
  early: string[];
  isClosed: boolean;
}

export function spawnerPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LABBOOK_SPAWNER ?? SPAWNER_PATH;
}

/** The launcher's path; throws SpawnerMissingError when it is not there (`experiment` needs it). */
export function requireSpawner(env: NodeJS.ProcessEnv, experiment?: string): string {
  const path = spawnerPath(env);
  if (!existsSync(path)) throw new SpawnerMissingError(path, experiment);
  return path;
}

export class Spawner {
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;
  private closing = false;
  /** Why no more runs can be started: lb-spawn died. */
  private lost: SpawnerLostError | undefined;
  /** Frames written in this turn of the event loop: they go in one write (each write wakes lb-spawn). */
  private outgoing: string[] = [];

  private constructor(private readonly helper: ChildProcessByStdio<Writable, Readable, null>) {
    const replies = new SpawnerReplies({
      line: (kind, id, a, b, c) => this.onReply(kind, id, a, b, c),
      data: (id, bytes) => this.onData(id, bytes),
    });
    helper.stdout.on('data', (chunk: Buffer) => replies.push(chunk));
    helper.stdin.on('error', () => {}); // an early helper exit surfaces through 'exit'
    helper.on('exit', (code, signal) => {
      if (this.closing) return;
      this.lost = new SpawnerLostError(helper.pid, signal ? `killed by ${signal}` : `ended (exit status ${code})`);
      for (const entry of this.entries.values()) {
        // Its leader died with lb-spawn (PR_SET_PDEATHSIG); what it started in its group goes now.
        signalGroup(entry.pid, 'SIGKILL');
        entry.started.reject(this.lost);
        entry.exited.reject(this.lost);
        this.endChannel(entry);
      }
      this.entries.clear();
    });
  }

  /**
   * Starts lb-spawn: every run starts from `env` plus its own variables, and at most
   * `maxRunning` execute at once (the others wait, in the order they were handed over).
   */
  static start(env: NodeJS.ProcessEnv, maxRunning: number): Spawner {
    const path = requireSpawner(env);
    return new Spawner(spawn(path, [String(maxRunning)], { stdio: ['pipe', 'pipe', 'inherit'], env }));
  }

  /** Hands a run over; it starts when a slot is free. */
  spawn(request: SpawnRequest): SpawnedRun {
    const id = String(this.nextId++);
    const entry: Entry = {
      argv0: request.argv[0] ?? '',
      started: Promise.withResolvers(),
      exited: Promise.withResolvers(),
      closed: Promise.withResolvers(),
      early: [],
      isClosed: false,
    };
    // Rejected when lb-spawn dies, perhaps before the caller holds them: it sees that through `started` or `exited`.
    entry.started.promise.catch(() => {});
    entry.exited.promise.catch(() => {});
    const connection: RunConnection = {
      closed: entry.closed.promise,
      onLine: (handler) => {
        entry.handler = handler;
        for (const line of entry.early.splice(0)) handler(line);
      },
      send: (text) => {
        if (!entry.isClosed) this.write('send', id, text);
      },
    };
    const spawned: SpawnedRun = {
      started: entry.started.promise,
      exited: entry.exited.promise,
      connection,
      cancel: () => {
        if (entry.pid === undefined && this.entries.has(id)) this.write('cancel', id);
      },
      hangUp: () => {
        if (entry.isClosed) return;
        this.write('hangup', id);
        this.endChannel(entry);
      },
    };
    if (this.lost) {
      entry.started.reject(this.lost);
      return spawned;
    }
    this.entries.set(id, entry);
    const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
    this.write(
      'spawn',
      id,
      request.cwd,
      request.stdoutPath,
      request.stderrPath,
      String(request.argv.length),
      ...request.argv,
      String(env.length),
      ...env,
    );
    return spawned;
  }

  /** Stops the helper; it terminates the process groups of runs still going. */
  async close(): Promise<void> {
    this.closing = true;
    const exited = new Promise<void>((resolve) => {
      if (this.helper.exitCode !== null || this.helper.signalCode !== null) resolve();
      else this.helper.once('exit', () => resolve());
    });
    this.flush();
    this.helper.stdin.end();
    await exited;
  }

  /** One frame: NUL-terminated fields, after their length in bytes. */
  private write(...fields: string[]): void {
    const payload = `${fields.join('\0')}\0`;
    if (this.outgoing.length === 0) process.nextTick(() => this.flush());
    this.outgoing.push(`${Buffer.byteLength(payload)}\n${payload}`);
  }

  private flush(): void {
    if (this.outgoing.length === 0) return;
    const frames = this.outgoing.join('');
    this.outgoing = [];
    if (!this.lost) this.helper.stdin.write(frames);
  }

  private onReply(kind: string, id: string, a: string, b: string, c: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    switch (kind) {
      case 'started':
        entry.pid = Number(a);
        entry.started.resolve(entry.pid);
        return;
      case 'error':
        entry.started.reject(new SpawnFailure(Number(a), entry.argv0));
        this.done(id, entry);
        return;
      case 'cancelled':
        entry.started.resolve(undefined);
        this.done(id, entry);
        return;
      case 'exited': {
        const signalNumber = Number(b);
        entry.exited.resolve({ code: signalNumber ? null : Number(a), signal: signalNumber ? signalName(signalNumber) : null });
        if (c === '1') this.done(id, entry);
        return;
      }
      case 'closed': // after its exit
        this.done(id, entry);
        return;
    }
  }

  /** Nothing more comes for the run: its channel ends. */
  private done(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.endChannel(entry);
  }

  private onData(id: string, bytes: Buffer): void {
    const entry = this.entries.get(id);
    if (!entry || entry.isClosed) return;
    entry.lines ??= new LineSplitter((line) => {
      if (entry.handler) entry.handler(line);
      else entry.early.push(line);
    });
    entry.lines.push(bytes);
  }

  /** The run's side closed (or is no longer served): its unterminated last line, then its end. */
  private endChannel(entry: Entry): void {
    if (entry.isClosed) return;
    entry.lines?.end();
    entry.isClosed = true;
    entry.closed.resolve();
  }
}

function signalName(signal: number): NodeJS.Signals {
  const found = Object.entries(osConstants.signals).find(([, value]) => value === signal);
  return (found?.[0] ?? `SIG${signal}`) as NodeJS.Signals;
}

function describeErrno(errno: number, argv0: string): string {
  switch (errno) {
    case osConstants.errno.ENOENT:
      return `cannot start '${argv0}': no such command or working directory (check the spec's command and PATH)`;
    case osConstants.errno.EACCES:
      return `cannot start '${argv0}': permission denied (is it executable?)`;
    default:
      return `cannot start '${argv0}': error ${errno}`;
  }
}
