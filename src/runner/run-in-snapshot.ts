import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ExperimentSpec, JsonObject } from '../spec/types.js';
import { isInside } from '../util/path-inside.js';
import { CodeSnapshotMissingError } from './runner-errors.js';

/**
 * Where the runs of a spec version with a code snapshot start (`<store>/code/<tree>/<workdir>`),
 * and the spec as they execute it: a function inside the repository is loaded from the copy.
 * Undefined for a spec without a snapshot (runs start in the worker's directory). Throws
 * CodeSnapshotMissingError when the snapshot is not on this machine.
 */
export function inCodeSnapshot(
  spec: ExperimentSpec,
  dataDir: string,
  experiment: string,
): { cwd: string; spec: ExperimentSpec } | undefined {
  const code = spec.code;
  if (!code?.tree) return undefined;
  const root = join(dataDir, 'code', code.tree);
  if (!existsSync(root)) {
    throw new CodeSnapshotMissingError(experiment, root);
  }
  const moved = spec.function && code.repository && isInside(code.repository, spec.function);
  return {
    cwd: join(root, code.workdir ?? ''),
    spec: moved ? { ...spec, function: join(root, relative(code.repository as string, spec.function as string)) } : spec,
  };
}

/**
 * The environment a run of a snapshot ran on: the worker's, but for where it started and its
 * code, which are the snapshot's (its commit; its uncommitted changes, if any, are the diff
 * recorded with the snapshot, see Store.getCodeSnapshot), not the working tree's.
 */
export function inSnapshotEnvironment(environment: JsonObject, spec: ExperimentSpec, dataDir: string): JsonObject {
  const code = spec.code;
  if (!code?.tree || !code.commit) return environment;
  const git = (environment.git ?? {}) as JsonObject;
  return {
    ...environment,
    cwd: join(dataDir, 'code', code.tree, code.workdir ?? ''),
    git: { ...git, commit: code.commit, branch: null, dirty: null, diff: null, diffTruncated: false, snapshot: code.tree },
  };
}
