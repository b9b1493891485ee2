import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cli } from './cli.js';
import { writeSpec } from './specs.js';
import { tempDir } from './temp-dir.js';

/** A temporary project with an initialised store and `spec` written as sweep.yaml. */
export async function project(t: TestContext, spec?: string): Promise<string> {
  const dir = tempDir(t, 'labbook-engine-');
  const init = await cli(dir, ['init']);
  assert.equal(init.code, 0, init.stderr);
  if (spec !== undefined) writeSpec(dir, spec);
  return dir;
}

/** The project's store, closed when the test ends. */
export async function projectStore(t: TestContext, dir: string): Promise<SqliteStore> {
  const store = (await openStore({ cwd: dir })) as SqliteStore;
  t.after(() => store.close());
  return store;
}

/** The process environment, for in-process CLI calls whose runs need PATH and friends. */
export const processEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...withoutLabbookVariables(process.env), ...extra });

/**
 * The environment without LABBOOK_* (a test run from inside a labbook run must not use that
 * run's store), but for LABBOOK_NODE: the Node.js the suite runs on (make sets it).
 */
export function withoutLabbookVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('LABBOOK_') || name === 'LABBOOK_NODE'));
}
