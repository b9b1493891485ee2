import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { EngineReportedError, EngineUnavailableError } from '../errors.js';
import { ENGINE_ENTRY_PATH } from '../package-files.js';
import { isPostgresUrl } from '../store/postgres/postgres-url.js';
import type { EnginePaths } from './engine-paths.js';
import type { ErrorBody } from './protocol.js';

/** How an engine this client started began: serving, or beaten by another that started at the same time. */
export type StartOutcome = 'ready' | 'lost-race';

const ALREADY_RUNNING = 'LB_ENGINE_ALREADY_RUNNING';

/**
 * V8 flags of the engine's Node (bin/labbook passes the same when it starts `engine serve`).
 * A young generation of 24 MB from the start, instead of 1 MB grown by doubling: the first
 * session of a new engine otherwise spends ~15 ms more collecting garbage, and promotes more
 * of it to the old generation. 24 rather than 16: what a new engine allocates as it starts
 * (~4 MB) and in a first session of 1,000 Python runs (~15 MB) then fits without a collection
 * (~10 ms of one, and its page faults). Cold drives of 1,000 Python runs, 64 alternations of
 * 24 and 16: 42 faster, the median of the differences 3-11 ms in three series; RSS after 3,000
 * runs 120 MB against 105 MB.
 */
export const ENGINE_NODE_FLAGS = ['--min-semi-space-size=24'];

/**
 * Starts `labbook engine serve --background` for the store, detached from this process (its
 * own session, so neither this process's end nor a Ctrl-C in its terminal stops it), logging
 * to the engine's log file. Resolves once it serves, or when it found another engine holding
 * the lock (the caller then connects to that one); rejects with its error when it failed.
 */
export function startEngine(storeDir: string, paths: EnginePaths, env: NodeJS.ProcessEnv, idleTimeout?: string): Promise<StartOutcome> {
  const log = openSync(paths.log, 'a', 0o600);
  // A PostgreSQL store's URL may hold a password: it travels in the environment, not on a command line others can read.
  const postgres = isPostgresUrl(storeDir);
  const store = postgres ? [] : ['--store', storeDir];
  const args = [ENGINE_ENTRY_PATH, ...store, 'engine', 'serve', '--background', ...(idleTimeout ? ['--idle-timeout', idleTimeout] : [])];
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, ...args], {
    cwd: postgres ? homedir() : dirname(storeDir),
    env: postgres ? { ...env, LABBOOK_STORE: storeDir } : env,
    detached: true,
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  return new Promise((resolve, reject) => {
    let output = '';
    const settle = (outcome: StartOutcome | Error) => {
      child.stdout!.destroy();
      child.removeAllListeners('exit');
      child.unref();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    child.on('error', (error) => settle(new EngineUnavailableError(`cannot start the engine (${process.execPath}): ${error.message}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const newline = output.indexOf('\n');
      if (newline !== -1) settle(readinessOutcome(output.slice(0, newline)));
    });
    child.on('exit', (code, signal) => {
      const tail = readFileSync(paths.log, 'utf8').trimEnd().split('\n').slice(-5).join('\n');
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      settle(new EngineUnavailableError(`the engine ${how} before it was ready; the end of its log ${paths.log}:\n${tail}`));
    });
  });
}

/** The one line `engine serve --background` writes on stdout: `{"ready": status}` or `{"error": {code, message, exit}}`. */
function readinessOutcome(line: string): StartOutcome | Error {
  const said = JSON.parse(line) as { ready?: unknown; error?: ErrorBody };
  if (said.error?.code === ALREADY_RUNNING) return 'lost-race';
  if (said.error) return new EngineReportedError(said.error);
  return 'ready';
}
