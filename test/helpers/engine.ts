import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { serveEngine } from '../../src/engine/engine.js';
import { enginePaths } from '../../src/engine/engine-paths.js';
import { locateStore } from '../../src/store/open-store.js';
import { processesWithArgument } from './processes.js';

/**
 * An environment whose engines put their sockets in a directory of this test's own (short,
 * as socket paths must be), and, when the test ends, no engine left of the stores it names.
 */
export function engineEnv(t: TestContext, ...projects: string[]): NodeJS.ProcessEnv {
  const runtime = mkdtempSync('/tmp/lb-run-');
  t.after(() => {
    for (const project of projects) killEngines(project);
    rmSync(runtime, { recursive: true, force: true });
  });
  return { XDG_RUNTIME_DIR: runtime };
}

/** SIGKILLs every engine process serving the store of `project`. */
export function killEngines(project: string): void {
  for (const { pid, argv } of processesWithArgument(project)) {
    if (argv.includes('serve')) process.kill(pid, 'SIGKILL');
  }
}

/** The socket path of the engine of `project`'s store. */
export function socketOf(project: string, env: NodeJS.ProcessEnv): string {
  return enginePaths(locateStore({ cwd: project }), env).socket;
}

/** An engine in this process for the store of `project`, stopped when the test ends. */
export function engineInProcess(t: TestContext, project: string, env: NodeJS.ProcessEnv, idleTimeoutMs = 60_000) {
  return engineOfStore(t, locateStore({ cwd: project }), env, idleTimeoutMs);
}

/** The same for a store named as locateStore names it: a store directory, or a PostgreSQL URL. */
export async function engineOfStore(t: TestContext, store: string, env: NodeJS.ProcessEnv, idleTimeoutMs = 60_000) {
  const log: string[] = [];
  const engine = await serveEngine({ storeDir: store, env, idleTimeoutMs, log: (line) => log.push(line) });
  t.after(async () => {
    engine.stop('test over');
    await engine.stopped;
  });
  return { engine, log };
}

/** A line from the engine: an answer (`ok` with `value` or `error`) or a chunk of a streamed one. */
export interface EngineLine {
  id: string | number | null;
  ok?: boolean;
  value?: unknown;
  error?: { code: string; message: string };
  chunk?: unknown[];
}

/** A connection that sends raw lines and collects the parsed lines it receives. */
export interface RawConnection {
  socket: Socket;
  send(...messages: unknown[]): void;
  /** Waits until `count` lines have arrived in all, and returns them all. */
  lines(count: number): Promise<EngineLine[]>;
  /** The same, by id (answers come when their request is done, not in the order of the requests). */
  answers(count: number): Promise<Map<EngineLine['id'], EngineLine>>;
  closed: Promise<void>;
}

export function rawConnection(t: TestContext, socketPath: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const received: EngineLine[] = [];
    const waiters: Array<() => void> = [];
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
        received.push(JSON.parse(buffer.slice(0, end)));
        buffer = buffer.slice(end + 1);
      }
      for (const wake of waiters.splice(0)) wake();
    });
    let ended = false;
    const closed = new Promise<void>((done) =>
      socket.on('close', () => {
        ended = true;
        for (const wake of waiters.splice(0)) wake();
        done();
      }),
    );
    socket.once('error', reject);
    t.after(() => socket.destroy());
    const lines = async (count: number) => {
      while (received.length < count) {
        if (ended)
          throw new Error(`the engine closed the connection after ${received.length} of ${count} lines: ${JSON.stringify(received)}`);
        await new Promise<void>((wake) => waiters.push(wake));
      }
      return received.slice(0, count);
    };
    socket.once('connect', () =>
      resolve({
        socket,
        closed,
        send: (...messages) => socket.write(messages.map((m) => `${typeof m === 'string' ? m : JSON.stringify(m)}\n`).join('')),
        lines,
        answers: async (count) => new Map((await lines(count)).map((line) => [line.id, line])),
      }),
    );
  });
}
