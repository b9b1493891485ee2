import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { SPAWNER_PATH } from '../package-files.js';
import { LineSplitter } from './line-splitter.js';
import { signalGroup } from './process-group.js';
import { SpawnerLostError, SpawnerMissingError } from './runner-errors.js';

/**
 * Starts run processes through lb-spawn (src/runner/spawner/lb-spawn.c): a small helper
 * that forks cheaply, gives every run its own process group, connects its fd 3 to this
 * process, and kills the runs' groups if this process dies. See that file for the wire format.
 * If the helper dies first, this process kills the runs' groups, and every run still waiting
 * for its start or its end gets a SpawnerLostError.
 */

export interface SpawnRequest {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  stdoutPath: string;
  stderrPath: string;
}

export interface ExitStatus {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The fd-3 connection of a run: its lines, then its end. */
export interface RunConnection {
  socket: Socket;
  /** Lines received before `onLine` was set are replayed to it. */
  onLine(handler: (line: string) => void): void;
  /** Resolves when the run's side closed (every process holding fd 3 exited). */
  closed: Promise<void>;
}

export interface SpawnedRun {
  pid: number;
  connection: RunConnection;
  /** Rejects with SpawnerLostError when lb-spawn died first (the run was killed then). */
  exited: Promise<ExitStatus>;
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

interface Pending {
  token: string;
  pid?: number;
  started?: (pid: number) => void;
  failed?: (errno: number) => void;
  exit?: (status: ExitStatus) => void;
  connection?: (connection: RunConnection) => void;
  /** lb-spawn died: whatever the run still waits for fails with `error`. */
  lost?: (error: SpawnerLostError) => void;
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
  private readonly pending = new Map<string, Pending>();
  private readonly byToken = new Map<string, Pending>();
  private nextId = 1;
  private closing = false;
  /** Why no more runs can be started: lb-spawn died. */
  private lost: SpawnerLostError | undefined;

  private constructor(
    private readonly helper: ChildProcessByStdio<Writable, Readable, null>,
    private readonly server: Server,
  ) {
    const replies = new LineSplitter((line) => this.onReply(line));
    helper.stdout.on('data', (chunk: Buffer) => replies.push(chunk));
    helper.stdin.on('error', () => {}); // an early helper exit surfaces through 'exit'
    helper.on('exit', (code, signal) => {
      if (this.closing) return;
      this.lost = new SpawnerLostError(helper.pid, signal ? `killed by ${signal}` : `ended (exit status ${code})`);
      for (const entry of this.pending.values()) {
        // Its leader died with lb-spawn (PR_SET_PDEATHSIG); what it started in its group goes now.
        signalGroup(entry.pid, 'SIGKILL');
        entry.lost?.(this.lost);
      }
      this.pending.clear();
      this.byToken.clear();
    });
    server.on('connection', (socket) => this.onConnection(socket));
  }

  static async start(env: NodeJS.ProcessEnv = process.env): Promise<Spawner> {
    const path = requireSpawner(env);
    const name = `labbook-${process.pid}-${randomBytes(6).toString('hex')}`;
    const server = createServer({ pauseOnConnect: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(`\0${name}`, () => resolve());
    });
    const helper = spawn(path, [name], { stdio: ['pipe', 'pipe', 'inherit'] });
    return new Spawner(helper, server);
  }

  /** Starts a run; resolves once it runs with its fd-3 connection established. */
  spawn(request: SpawnRequest): Promise<SpawnedRun> {
    if (this.lost) return Promise.reject(this.lost);
    const id = String(this.nextId++);
    const token = randomBytes(12).toString('hex');
    const entry: Pending = { token };
    this.pending.set(id, entry);
    this.byToken.set(token, entry);
    const exited = Promise.withResolvers<ExitStatus>();
    const connected = Promise.withResolvers<RunConnection>();
    const started = Promise.withResolvers<number>();
    entry.exit = exited.resolve;
    entry.connection = connected.resolve;
    entry.started = started.resolve;
    entry.failed = (errno) => {
      this.byToken.delete(token);
      started.reject(new SpawnFailure(errno, request.argv[0] ?? ''));
    };
    entry.lost = (error) => {
      for (const waiting of [started, connected, exited]) waiting.reject(error);
    };
    // Rejected when lb-spawn dies, perhaps before the caller holds them: it sees that through `started` or `exited`.
    connected.promise.catch(() => {});
    exited.promise.catch(() => {});
    const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
    const fields = ['spawn', id, request.cwd, request.stdoutPath, request.stderrPath, token];
    fields.push(String(request.argv.length), ...request.argv, String(env.length), ...env);
    const payload = Buffer.from(`${fields.join('\0')}\0`);
    // One write per request: each write to the pipe wakes lb-spawn.
    this.helper.stdin.write(Buffer.concat([Buffer.from(`${payload.length}\n`), payload]));
    return started.promise.then(async (pid) => ({ pid, connection: await connected.promise, exited: exited.promise }));
  }

  /** Stops the helper; it terminates the process groups of runs still going. */
  async close(): Promise<void> {
    this.closing = true;
    const exited = new Promise<void>((resolve) => {
      if (this.helper.exitCode !== null || this.helper.signalCode !== null) resolve();
      else this.helper.once('exit', () => resolve());
    });
    this.helper.stdin.end();
    await exited;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onReply(line: string): void {
    const [kind, id, a, b] = line.split(' ');
    const entry = this.pending.get(id ?? '');
    if (!entry) return;
    if (kind === 'started') {
      entry.pid = Number(a);
      entry.started?.(entry.pid);
    } else if (kind === 'error') {
      this.pending.delete(id as string);
      entry.failed?.(Number(a));
    } else if (kind === 'exited') {
      this.pending.delete(id as string);
      const signalNumber = Number(b);
      entry.exit?.({ code: signalNumber ? null : Number(a), signal: signalNumber ? signalName(signalNumber) : null });
    }
  }

  /** A run's fd 3 connects: its first line is the token naming the run. */
  private onConnection(socket: Socket): void {
    socket.on('error', () => {}); // a reset by a dying run is its end
    const buffered: string[] = [];
    let handler: ((line: string) => void) | undefined;
    let entry: Pending | undefined;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const splitter = new LineSplitter((line) => {
      if (!entry) {
        entry = this.byToken.get(line);
        if (!entry) {
          socket.destroy(); // not one of ours
          return;
        }
        this.byToken.delete(line);
        entry.connection?.({
          socket,
          closed,
          onLine(next) {
            handler = next;
            for (const early of buffered.splice(0)) next(early);
          },
        });
        return;
      }
      if (handler) handler(line);
      else buffered.push(line);
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('end', () => splitter.end());
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
