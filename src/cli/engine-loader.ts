import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants, Script } from 'node:vm';
import { readBuildId } from '../build-id.js';
import { engineDir, engineDirProblem } from '../engine/engine-dir.js';
import { ENGINE_BUNDLE_PATH } from '../package-files.js';

/**
 * Loads the resident engine's bundle (dist/engine/engine.cjs: one CommonJS script, see
 * scripts/bundle-cli.mjs) with a V8 code cache that engines before it wrote as they exited.
 *
 * Node's own compile cache holds what V8 compiles as it loads a module: the functions that run
 * later (a session's claims, outcomes, protocol) are compiled again by every new engine, while
 * its first session runs. This cache is made when an engine exits, so it holds every function
 * the engine ran; it is kept when it grew. A cold drive of 1,000 Python runs: ~14 ms sooner.
 *
 * It lives in the engines' directory (only this user may enter it), named by the build and the
 * Node version: V8 checks neither the bundle's text nor which build wrote the cache. V8 refuses
 * one made under other V8 flags (the engine's are fixed: ENGINE_NODE_FLAGS); the engine then
 * compiles as it goes and writes its own.
 */
export function loadEngine(env: NodeJS.ProcessEnv): LoadedEngine {
  const source = readFileSync(ENGINE_BUNDLE_PATH, 'utf8');
  const cache = codeCachePath(env);
  const cachedData = cache && ownFileIn(cache);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: ENGINE_BUNDLE_PATH,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    ...(cachedData && { cachedData }),
  });
  const codeCache: CodeCacheUse = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const kept = codeCache === 'accepted' && cachedData ? cachedData.length : 0;
  const engine = { exports: {} };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(engine.exports, createRequire(ENGINE_BUNDLE_PATH), engine, ENGINE_BUNDLE_PATH, dirname(ENGINE_BUNDLE_PATH));
  if (cache) process.once('exit', () => keepRicherCache(script, cache, kept));
  return { engine: engine.exports as typeof import('./engine-main.js'), codeCache };
}

/** Whether the engine's code came with a code cache: none (the first engine of a build), one V8 took, or one it refused. */
export type CodeCacheUse = 'none' | 'accepted' | 'rejected';

export interface LoadedEngine {
  engine: typeof import('./engine-main.js');
  codeCache: CodeCacheUse;
}

const CACHE_PREFIX = 'engine-';
const CACHE_SUFFIX = '.v8cache';

/** Where this build's engines keep their code cache; undefined for an unbundled build. */
function codeCachePath(env: NodeJS.ProcessEnv): { dir: string; file: string; build: string } | undefined {
  const build = readBuildId();
  if (!build) return undefined;
  const dir = engineDir(env);
  return { dir, build, file: join(dir, `${CACHE_PREFIX}${build}-${process.version}${CACHE_SUFFIX}`) };
}

/** The file's bytes, if it is a file of this user's in a directory only this user may enter. */
function ownFileIn({ dir, file }: { dir: string; file: string }): Buffer | undefined {
  try {
    const found = lstatSync(file);
    if (engineDirProblem(dir) || !found.isFile() || found.uid !== (process.getuid?.() ?? 0)) return undefined;
    return readFileSync(file);
  } catch {
    return undefined; // none yet
  }
}

/** Caches of other builds are removed once unwritten this long: two builds in use keep theirs. */
const STALE_CACHE_MS = 7 * 24 * 3600 * 1000;

/**
 * Writes the cache of what this engine compiled when it holds more than the one it started with
 * (atomically: engines exit at once), and removes stale ones of other builds. A cache is only a
 * speed-up: what goes wrong here is ignored.
 */
function keepRicherCache(script: Script, { dir, file, build }: { dir: string; file: string; build: string }, kept: number): void {
  try {
    const data = script.createCachedData();
    if (data.length <= kept || engineDirProblem(dir)) return;
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(CACHE_PREFIX) || !name.endsWith(CACHE_SUFFIX) || name.startsWith(`${CACHE_PREFIX}${build}-`)) continue;
      const other = join(dir, name);
      if (Date.now() - statSync(other).mtimeMs > STALE_CACHE_MS) rmSync(other, { force: true });
    }
  } catch {
    // no cache this time
  }
}
