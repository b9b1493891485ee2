import { setTimeout as delay } from 'node:timers/promises';
import { EngineOtherVersionError, EngineUnavailableError } from '../errors.js';
import { labbookLabels, sameLabbook, VERSION } from '../version.js';
import { ConnectionClosedError, EngineClient } from './engine-client.js';
import { type EnginePaths, enginePaths, prepareEngineDir } from './engine-paths.js';
import type { HelloAnswer } from './protocol.js';
import { startEngine } from './start-engine.js';

export interface EngineSession {
  client: EngineClient;
  hello: HelloAnswer;
  paths: EnginePaths;
}

export interface ConnectOptions {
  /** The store directory (`.labbook`), e.g. from locateStore. */
  storeDir: string;
  env: NodeJS.ProcessEnv;
  /** What this client calls itself in `hello` (the engine's status lists it). */
  client: string;
  /** `--idle-timeout` of an engine this client starts. */
  idleTimeout?: string;
  /** How long to keep trying before giving up. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** An engine that accepts a connection but does not say hello by then is hung. */
const HELLO_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 5;
const LONGEST_RETRY_MS = 250;

/**
 * Connects to the store's engine of this labbook version and build, starting one when none
 * answers. Clients that start one at the same time all end up with the one that took the lock.
 * An engine of another version or build is replaced when it has no other client; when it has,
 * EngineOtherVersionError. A dead engine's socket (kill -9) refuses the connection: a new
 * engine is started, which takes the lock the kernel released and replaces the socket.
 */
export async function connectEngine(options: ConnectOptions): Promise<EngineSession> {
  const paths = enginePaths(options.storeDir, options.env);
  prepareEngineDir(paths);
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  for (let retryMs = FIRST_RETRY_MS; ; retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS)) {
    const session = await greet(paths, options.client);
    if (session && sameLabbook(session.hello)) return session;
    if (session) await retire(session, options.storeDir);
    const started = session ? undefined : await startEngine(options.storeDir, paths, options.env, options.idleTimeout);
    if (Date.now() > deadline) {
      throw new EngineUnavailableError(
        `no engine answered on ${paths.socket} within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s; see its log ${paths.log}`,
      );
    }
    // One that is ready answers at once; one that lost the race, or was retired, makes way for another first.
    if (started !== 'ready') await delay(retryMs);
  }
}

/** The store's engine, whatever its version, or undefined when none answers (none runs, or a dead one's socket). */
export async function findEngine(storeDir: string, env: NodeJS.ProcessEnv, client: string): Promise<EngineSession | undefined> {
  const paths = enginePaths(storeDir, env);
  prepareEngineDir(paths);
  return greet(paths, client);
}

/** Connects and says hello; undefined when nothing answers there (or it stopped meanwhile). */
async function greet(paths: EnginePaths, client: string): Promise<EngineSession | undefined> {
  let connection: EngineClient;
  try {
    connection = await EngineClient.connect(paths.socket);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') return undefined;
    throw new EngineUnavailableError(`cannot connect to the engine's socket ${paths.socket}: ${(error as Error).message}`);
  }
  let hung = false;
  const timeout = setTimeout(() => {
    hung = true;
    connection.close();
  }, HELLO_TIMEOUT_MS);
  try {
    const hello = await connection.request<HelloAnswer>('hello', { version: VERSION, client });
    return { client: connection, hello, paths };
  } catch (error) {
    if (hung) {
      throw new EngineUnavailableError(
        `an engine took the connection on ${paths.socket} but did not answer within ${HELLO_TIMEOUT_MS / 1000} s: it may be hung; ` +
          "kill its process (the 'labbook engine serve' of this store) and retry",
      );
    }
    // It stopped meanwhile (idle, or replaced): as if none ran.
    if (error instanceof ConnectionClosedError) return undefined;
    throw error;
  } finally {
    clearTimeout(timeout);
  }
}

/** Asks an engine of another version to stop if it has no other client, and waits until it has. */
async function retire(session: EngineSession, storeDir: string): Promise<void> {
  const answer = await session.client.request<{ stopping: boolean; clients?: number }>('shutdown', { ifIdle: true });
  if (!answer.stopping) {
    session.client.close();
    const { theirs, ours } = labbookLabels(session.hello);
    throw new EngineOtherVersionError(storeDir, session.hello.pid, theirs, ours, answer.clients ?? 0);
  }
  await session.client.closed;
}
