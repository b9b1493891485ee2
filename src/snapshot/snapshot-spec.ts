import { dirname, join, relative, resolve } from 'node:path';
import { SpecError, UsageError } from '../errors.js';
import type { LoadedSpec } from '../spec/load-spec.js';
import type { CodeSpec } from '../spec/types.js';
import type { CodeStore } from '../store/code-store.js';
import { isInside } from '../util/path-inside.js';
import { takeSnapshot } from './take-snapshot.js';

/** What `add`, `run` and `submit` are asked of code snapshots (flags beside the spec's `code:`). */
export interface SnapshotFlags {
  snapshot?: boolean;
  allowDirty?: boolean;
}

export interface SnapshotContext {
  /** The spec file, as given (relative to `cwd`): its repository is the one taken. */
  file: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  store: CodeStore & { readonly dataDir: string };
  now: number;
}

/** The keys of `code:` that labbook records when it takes the snapshot. */
const RECORDED_KEYS = ['commit', 'tree', 'workdir', 'repository'] as const;

/**
 * The spec to enqueue: as loaded, or, when the spec (`code: {snapshot: true}`) or `--snapshot`
 * asks for it, with its code snapshot taken (takeSnapshot), recorded in the store and named
 * in its `code:` (commit, tree, where runs start, the repository), which makes it a spec
 * version of its own: its runs execute that copy whenever they start. Throws DirtyTreeError
 * for uncommitted changes unless allowed, before anything is written.
 */
export async function snapshotSpec(loaded: LoadedSpec, flags: SnapshotFlags, context: SnapshotContext): Promise<LoadedSpec> {
  const asked: CodeSpec | undefined = loaded.spec.code;
  const written = RECORDED_KEYS.find((key) => asked?.[key] !== undefined);
  if (written) {
    throw new SpecError([
      {
        file: context.file,
        key: `code.${written}`,
        message: 'labbook records this when it takes the snapshot; write only code: {snapshot: true}',
      },
    ]);
  }
  const snapshot = flags.snapshot === true || asked?.snapshot === true;
  const allowDirty = flags.allowDirty === true || asked?.allowDirty === true;
  if (!snapshot) {
    if (flags.allowDirty)
      throw new UsageError('--allow-dirty goes with a code snapshot: add --snapshot (or code: {snapshot: true} in the spec)');
    return loaded;
  }
  if (loaded.spec.driver) {
    throw new SpecError([
      {
        file: context.file,
        key: 'code',
        message: 'runs of driver: python execute in the script that added them, not in a snapshot; drop code: (or --snapshot)',
      },
    ]);
  }
  const from = dirname(resolve(context.cwd, context.file));
  const taken = await takeSnapshot({
    from,
    codeRoot: join(context.store.dataDir, 'code'),
    allowDirty,
    exclude: [context.store.dataDir],
    env: context.env,
  });
  await context.store.recordCodeSnapshot({
    tree: taken.tree,
    commit: taken.commit,
    diff: taken.diff ?? null,
    repository: taken.repository,
    createdAt: context.now,
  });
  const start = isInside(taken.repository, context.cwd) ? context.cwd : from;
  const code: CodeSpec = {
    snapshot: true,
    ...(allowDirty && { allowDirty: true }),
    commit: taken.commit,
    tree: taken.tree,
    workdir: relative(taken.repository, start),
    repository: taken.repository,
  };
  return { spec: { ...loaded.spec, code }, raw: { ...loaded.raw, code } };
}
