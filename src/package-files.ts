import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files of the installed package that labbook opens at run time. Every compiled module of
 * labbook lies two directories below the package root, in dist/src/… (tsc's output), dist/cli/…
 * (the CLI's bundle, scripts/bundle-cli.mjs) or dist/engine/… (the engine's), so the root is the
 * same from each.
 */
const PACKAGE_ROOT = new URL('../../', import.meta.url);

export const PACKAGE_JSON_PATH = fileURLToPath(new URL('package.json', PACKAGE_ROOT));
export const PACKAGE_ROOT_PATH = dirname(PACKAGE_JSON_PATH);
/** The process launcher of command runs (src/runner/spawner/lb-spawn.c, built by make). */
export const SPAWNER_PATH = fileURLToPath(new URL('dist/bin/lb-spawn', PACKAGE_ROOT));
/** The resident engine's check of who connects to it (src/engine/peer-credentials.c, a Node-API addon built by make). */
export const PEER_CREDENTIALS_PATH = fileURLToPath(new URL('dist/bin/peer-credentials.node', PACKAGE_ROOT));
/** The build's identity, written by scripts/bundle-cli.mjs (a digest of both bundles): see version.ts. */
export const BUILD_ID_PATH = fileURLToPath(new URL('dist/cli/build-id', PACKAGE_ROOT));
/** The resident engine's own bundle, which its entry loads to serve in the background (src/cli/engine-loader.ts). */
export const ENGINE_BUNDLE_PATH = fileURLToPath(new URL('dist/engine/engine.cjs', PACKAGE_ROOT));
/** The bundled CLI (schedulers' job scripts run its workers). */
export const CLI_PATH = fileURLToPath(new URL('dist/cli/labbook.js', PACKAGE_ROOT));
/** What a client runs to start the resident engine in the background (src/cli/engine-entry.ts). */
export const ENGINE_ENTRY_PATH = fileURLToPath(new URL('dist/cli/engine-entry.cjs', PACKAGE_ROOT));
/** How the engine describes a Python command's interpreter: the Python client's own code (run as a script). */
export const INTERPRETER_DESCRIPTION_PATH = fileURLToPath(new URL('clients/python/src/labbook/_interpreter.py', PACKAGE_ROOT));
/** The script of a function executor's threads: tsc's output, bundled CLI or not. */
export const FUNCTION_THREAD_URL = new URL('dist/src/runner/function-thread.js', PACKAGE_ROOT);
/** The dashboard, built by Vite from ui/ (make build); the HTTP server serves these files. */
export const UI_DIST_PATH = fileURLToPath(new URL('dist/ui', PACKAGE_ROOT));
