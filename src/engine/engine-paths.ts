import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { EngineDirUnusableError } from '../errors.js';
import { isPostgresUrl, withoutPassword } from '../store/postgres/postgres-url.js';
import { engineDir, engineDirProblem } from './engine-dir.js';

/**
 * Where the engine of one store is found on this host (docs/protocol.md, "Where the engine
 * is"): a socket, a lock and a log named by a hash of the store's real path, in a directory
 * only its user can enter. That directory is what keeps other users out (Unix sockets obey
 * the permissions of the directories above them), so it is checked before every use.
 */
export interface EnginePaths {
  dir: string;
  socket: string;
  lock: string;
  log: string;
}

/** A Unix socket's path is at most 107 bytes on Linux (sun_path is 108 with its NUL). */
const MAX_SOCKET_PATH_BYTES = 107;
/** 16 hex digits of the hash: a collision between two stores of one user is not a concern. */
const KEY_LENGTH = 16;

/**
 * The engine's files for the store `storeDir`: a directory (which must exist), keyed by its
 * real path, or a PostgreSQL URL, keyed by the URL without its password (one engine per
 * store per host, whatever directory it is used from).
 */
export function enginePaths(storeDir: string, env: NodeJS.ProcessEnv): EnginePaths {
  const identity = isPostgresUrl(storeDir) ? withoutPassword(storeDir) : realpathSync(storeDir);
  const key = createHash('sha256').update(identity).digest('hex').slice(0, KEY_LENGTH);
  const dir = engineDir(env);
  const base = join(dir, key);
  return { dir, socket: `${base}.sock`, lock: `${base}.lock`, log: `${base}.log` };
}

/**
 * Makes the directory (mode 0700) when it is missing, and refuses one that is a link, is not
 * this user's or that others may enter: another user could then listen on the socket path.
 */
export function prepareEngineDir(paths: EnginePaths): void {
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH_BYTES) {
    throw new EngineDirUnusableError(
      `the engine's socket path ${paths.socket} is ${Buffer.byteLength(paths.socket)} bytes, over the ${MAX_SOCKET_PATH_BYTES} ` +
        'a Unix socket allows: set XDG_RUNTIME_DIR (or TMPDIR) to a shorter directory',
    );
  }
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new EngineDirUnusableError(
      `cannot create the engine's directory ${paths.dir} (${(error as Error).message}); set XDG_RUNTIME_DIR to a directory of yours`,
    );
  }
  const problem = engineDirProblem(paths.dir);
  if (problem) {
    throw new EngineDirUnusableError(
      `the engine's directory ${paths.dir} ${problem}: remove it (labbook makes it again, mode 700) or set XDG_RUNTIME_DIR to a directory only you can enter`,
    );
  }
}
