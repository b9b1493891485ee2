import type { RunRecord } from '../domain/index.js';
import { RunAmbiguousError, RunNotFoundError } from '../errors.js';
import type { Store } from '../store/types.js';

const RUN_ID = /^\d+$/;
const HASH_PREFIX = /^[0-9a-f]{6,64}$/i;

/** Whether a word names a run: its id (`42`) or a prefix of its hash (at least 6 hex characters). */
export function isRunRef(word: string): boolean {
  const trimmed = word.trim();
  return RUN_ID.test(trimmed) || HASH_PREFIX.test(trimmed);
}

/** Finds a run by its id (`42`) or a prefix of its hash (at least 6 hex characters). */
export async function resolveRun(store: Store, ref: string): Promise<RunRecord> {
  const trimmed = ref.trim();
  if (RUN_ID.test(trimmed)) {
    const run = await store.getRun(Number(trimmed));
    if (run) return run;
  }
  if (HASH_PREFIX.test(trimmed)) {
    const matches = await store.findRunsByHashPrefix(trimmed.toLowerCase(), 5);
    if (matches.length === 1) return matches[0] as RunRecord;
    if (matches.length > 1)
      throw new RunAmbiguousError(
        trimmed,
        matches.map((r) => `${r.id} (${r.experiment})`),
      );
  }
  throw new RunNotFoundError(trimmed);
}

/** Every run the references name, each once, in the order first named. */
export async function resolveRuns(store: Store, refs: readonly string[]): Promise<RunRecord[]> {
  const byId = new Map<number, RunRecord>();
  for (const ref of refs) {
    const run = await resolveRun(store, ref);
    if (!byId.has(run.id)) byId.set(run.id, run);
  }
  return [...byId.values()];
}
