import { canonicalJson } from '../spec/canonical-json.js';
import type { PlannedRun } from '../spec/expand-grid.js';
import type { JsonObject, JsonValue } from '../spec/types.js';
import { formatParams } from '../util/format-values.js';

/** A cell of a tuned spec's grid: a study of its own, each trial evaluated once per seed. */
export interface TuneCell {
  /** What tells the cell's study apart (`shift=1,opt=adam`); undefined when the grid has one cell. */
  readonly label: string | undefined;
  /** The cell's parameters, merged into each trial's (the seed left out). */
  readonly params: JsonObject;
  /** The `seeds:` of the spec, each trial's repeats; undefined without seeds. */
  readonly seeds: readonly JsonValue[] | undefined;
}

/**
 * The grid's runs (expandGrid) as cells: runs that differ only in their seed (when `seeded`,
 * the spec has `seeds:`) are one cell, whose trials are repeated over those seeds.
 */
export function tuneCells(runs: readonly PlannedRun[], seeded: boolean): TuneCell[] {
  const cells = new Map<string, { params: JsonObject; seeds: JsonValue[] }>();
  for (const { params } of runs) {
    const { seed, ...rest } = params as JsonObject;
    const cellParams = seeded ? rest : (params as JsonObject);
    const key = canonicalJson(cellParams);
    const cell = cells.get(key) ?? { params: cellParams, seeds: [] };
    if (seeded) cell.seeds.push(seed as JsonValue);
    cells.set(key, cell);
  }
  const many = cells.size > 1;
  return [...cells.values()].map(({ params, seeds }) => ({
    label: many ? formatParams(params).replaceAll(' ', ',') : undefined,
    params,
    seeds: seeded ? seeds : undefined,
  }));
}
