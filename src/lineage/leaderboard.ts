import type { ProvenanceStore } from '../store/provenance-types.js';
import { better, type Result, resultsOf, whyIncomparable } from './comparability.js';
import { type EntityFilter, selectEntities } from './entity-filter.js';
import { resolveEntity } from './entity-ref.js';

export interface Leaderboard {
  /** What the ranked results were computed on, and how. */
  on: string | null;
  ranked: Array<Result & { rank: number }>;
  incomparable: Array<Result & { reason: string }>;
}

/**
 * Ranks the results of the evaluations a filter selects (`task=… metric=…`) that are
 * comparable with the board's reference: the results on `dataset` when given, else those of
 * the data most of them were computed on. Every other result is listed with the reason.
 */
export async function leaderboard(store: ProvenanceStore, filter: EntityFilter, dataset?: string): Promise<Leaderboard> {
  const results = await resultsOf(store, await selectEntities(store, { ...filter, kinds: ['evaluation'] }));
  const reference = await referenceOf(store, results, dataset);
  if (!reference) return { on: null, ranked: [], incomparable: [] };
  const ranked: Result[] = [];
  const incomparable: Array<Result & { reason: string }> = [];
  for (const result of results) {
    const reason = whyIncomparable(result, reference);
    if (reason) incomparable.push({ ...result, reason });
    else ranked.push(result);
  }
  ranked.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : a.createdAt - b.createdAt));
  return { on: reference.on, ranked: ranked.map((result, index) => ({ ...result, rank: index + 1 })), incomparable };
}

async function referenceOf(store: ProvenanceStore, results: readonly Result[], dataset: string | undefined): Promise<Result | undefined> {
  if (dataset !== undefined) {
    const record = await resolveEntity(store, dataset);
    const hash = record.entity.kind === 'dataset' ? record.entity.contentHash : record.uid;
    return results.find((result) => result.key.endsWith(`|data:${hash}`));
  }
  const counts = new Map<string, number>();
  for (const result of results)
    if (!result.folds || result.folds.evaluated === result.folds.count) counts.set(result.key, (counts.get(result.key) ?? 0) + 1);
  let best: Result | undefined;
  for (const result of results) if ((counts.get(result.key) ?? 0) > (best ? (counts.get(best.key) ?? 0) : 0)) best = result;
  return best;
}
