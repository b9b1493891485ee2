import { lstatSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * The directory of this user's engines (their sockets, locks, logs and code cache), on its own
 * without imports: the CLI's entry reads the engine's code cache there before it loads anything.
 */

/** $XDG_RUNTIME_DIR/labbook, else $TMPDIR (or /tmp)/labbook-UID. */
export function engineDir(env: NodeJS.ProcessEnv): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime)) return join(runtime, 'labbook');
  return join(env.TMPDIR && isAbsolute(env.TMPDIR) ? env.TMPDIR : '/tmp', `labbook-${process.getuid?.() ?? 0}`);
}

/**
 * What is wrong with `dir` as an engine directory: a link or not a directory, another user's,
 * or one that others may enter (another user could then listen on a socket path in it, or
 * leave files there). Undefined when it is fine; throws when it cannot be read (missing).
 */
export function engineDirProblem(dir: string): string | undefined {
  const found = lstatSync(dir);
  const uid = process.getuid?.() ?? 0;
  if (!found.isDirectory()) return 'is not a directory (a link?)';
  if (found.uid !== uid) return `belongs to uid ${found.uid}, not to you (uid ${uid})`;
  if ((found.mode & 0o077) !== 0) return `may be entered by other users (mode ${(found.mode & 0o777).toString(8)})`;
  return undefined;
}
