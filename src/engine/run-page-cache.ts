import type { RunFilter, RunRecord } from '../domain/index.js';
import type { RunPageRequest, Store } from '../store/types.js';

/** Selections whose order is kept: a few tables open at once, each scrolled by its pages. */
const MAX_SELECTIONS = 16;
/** Pages kept per selection (as answered, metric cells included): ~6 MB at 100 runs a page. */
const MAX_PAGES = 64;

interface Selection {
  /** The store's feed head when the ids were read: a state change or a metric point since makes them stale. */
  version: string;
  ids: Promise<number[]>;
  pages: Map<string, Promise<unknown[]>>;
}

/**
 * The runs tables' selections, kept while the store does not change: the ids of a selection in
 * its order (one filtered, sorted scan, then a lookup of the page's runs by id, instead of a
 * scan and a count per page) and its pages as answered (many clients reading the same pages
 * cost one read). Every change of a run's state or metrics appends to the store's feed (runs'
 * parameters never change), so its head is the version of every selection. Concurrent first
 * requests of a selection share its one scan. Answers are shared: callers do not change them.
 */
export class RunPageCache {
  private readonly selections = new Map<string, Selection>();

  constructor(private readonly store: Store) {}

  /**
   * A page of the selection named `key` (the request's filter and sort, as the client wrote
   * them), its runs made into what the page shows by `dress` (once per page and version).
   */
  async page<T>(
    key: string,
    filter: RunFilter,
    request: RunPageRequest,
    dress: (runs: RunRecord[]) => Promise<T[]>,
  ): Promise<{ total: number; runs: T[] }> {
    const selection = await this.selection(key, filter, request);
    const ids = await selection.ids;
    const name = `${request.offset}:${request.limit}`;
    let runs = selection.pages.get(name) as Promise<T[]> | undefined;
    if (!runs) {
      runs = this.read(ids.slice(request.offset, request.offset + request.limit)).then(dress);
      const stored = runs;
      runs.catch(() => {
        if (selection.pages.get(name) === stored) selection.pages.delete(name);
      });
      selection.pages.set(name, runs);
      for (const oldest of selection.pages.keys()) {
        if (selection.pages.size <= MAX_PAGES) break;
        selection.pages.delete(oldest);
      }
    }
    return { total: ids.length, runs: await runs };
  }

  private async selection(key: string, filter: RunFilter, request: RunPageRequest): Promise<Selection> {
    const head = await this.store.feedHead();
    const version = `${head.runEvent}-${head.metric}`;
    let selection = this.selections.get(key);
    this.selections.delete(key); // set again below: the map's order is the order of use
    if (selection?.version !== version) {
      const ids = this.store.orderedRunIds(filter, request.sort);
      const fresh: Selection = { version, ids, pages: new Map() };
      ids.catch(() => {
        if (this.selections.get(key) === fresh) this.selections.delete(key);
      });
      selection = fresh;
    }
    this.selections.set(key, selection);
    for (const oldest of this.selections.keys()) {
      if (this.selections.size <= MAX_SELECTIONS) break;
      this.selections.delete(oldest);
    }
    return selection;
  }

  private async read(ids: number[]): Promise<RunRecord[]> {
    const runs = ids.length > 0 ? await this.store.listRuns({ ids }) : [];
    const byId = new Map(runs.map((run) => [run.id, run]));
    return ids.map((id) => byId.get(id)).filter((run): run is RunRecord => run !== undefined);
  }
}
