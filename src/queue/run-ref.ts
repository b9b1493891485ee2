import { RunAmbiguousError, RunNotFoundError } from '../errors.js';
import type { RunRecord, Store } from '../store/types.js';

/** Finds a run by its id (`42`) or a prefix of its hash (at least 6 hex characters). */
export async function resolveRun(store: Store, ref: string): Promise<RunRecord> {
  const trimmed = ref.trim();
  if (/^\d+$/.test(trimmed)) {
    const run = await store.getRun(Number(trimmed));
    if (run) return run;
  }
  if (/^[0-9a-f]{6,64}$/i.test(trimmed)) {
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
