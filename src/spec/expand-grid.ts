import { canonicalJson } from './canonical-json.js';
import { compileCanonicalLayout, compileDeclaredLayout, type ParamsLayout, renderLayout } from './canonical-layout.js';
import { type GridLeaf, gridLeaves } from './parameter-grid.js';
import { sha256Hex } from './run-hash.js';
import type { ExperimentSpec, JsonValue, Params, PartialAssignment } from './types.js';

/** A planned run as the store takes it: its identity and its parameters as JSON text, keys in declaration order. */
export interface RunPlan {
  hash: string;
  paramsJson: string;
}

export interface PlannedRun {
  params: Params;
  hash: string;
}

/**
 * Runs per batch: small enough that a batch dies young (V8 promotes what survives a
 * collection, and a 50,000-run batch took the heap of a million-run plan past 300 MB).
 */
export const PLAN_BATCH_RUNS = 1_000;

/**
 * The runs of a spec, in a deterministic order: the cartesian product of the parameter
 * domains (last parameter fastest, like itertools.product), minus runs matching any
 * `exclude` entry, then each `include` entry with its unnamed parameters ranging over the
 * grid. A run already planned is not planned twice.
 *
 * Runs come in batches of at most `batchSize`, and nothing remembers the runs already planned
 * (an include's run is recognised as planned by its values), so memory is bounded by a batch
 * however large the grid.
 */
export function* planRuns(spec: ExperimentSpec, batchSize = PLAN_BATCH_RUNS): Generator<RunPlan[]> {
  const grid = compileGrid(spec);
  const excluded = (index: readonly number[]) => grid.excludes.some((matches) => matches(index));
  let batch: RunPlan[] = [];
  // The value of each leaf as indices into its domain; an include's own values are -1 when new.
  let index: readonly number[] = [];
  let fixed: Array<FixedValue | undefined> = [];
  const canonicalAt = (leaf: number) => fixed[leaf]?.canonical ?? (grid.canonical[leaf]?.[index[leaf] as number] as string);
  const storedAt = (leaf: number) => fixed[leaf]?.stored ?? (grid.stored[leaf]?.[index[leaf] as number] as string);
  // Values within a parameter are distinct (checked when the spec is read), so the product
  // has no duplicates; only includes can repeat a run.
  for (index of combinations(grid.leaves.map((leaf) => leaf.values.length))) {
    if (excluded(index)) continue;
    batch.push(grid.plan(canonicalAt, storedAt));
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  const includes = spec.include.map((entry) => compileInclude(entry, grid));
  for (const [j, include] of includes.entries()) {
    const plannedBefore = [productCheck(include, excluded), ...includes.slice(0, j).map((earlier) => repeatCheck(include, earlier))];
    fixed = include.fixed;
    const full = fixed.map((value) => value?.domainIndex ?? 0);
    index = full;
    for (const free of combinations(grid.leaves.map((leaf, i) => (fixed[i] ? 1 : leaf.values.length)))) {
      for (let leaf = 0; leaf < full.length; leaf++) if (!fixed[leaf]) full[leaf] = free[leaf] as number;
      if (plannedBefore.some((planned) => planned(full))) continue;
      batch.push(grid.plan(canonicalAt, storedAt));
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** Every run of a spec with its parameters as an object (for small grids and for inspecting a plan). */
export function expandGrid(spec: ExperimentSpec): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const batch of planRuns(spec)) for (const run of batch) runs.push({ params: JSON.parse(run.paramsJson) as Params, hash: run.hash });
  return runs;
}

interface CompiledGrid {
  leaves: GridLeaf[];
  /** Per leaf, the canonical JSON of each value (what the hash covers). */
  canonical: string[][];
  /** Per leaf, each value as stored (JSON.stringify keeps the key order of mappings). */
  stored: string[][];
  excludes: Array<(index: readonly number[]) => boolean>;
  plan(canonicalText: (leaf: number) => string, storedText: (leaf: number) => string): RunPlan;
}

function compileGrid(spec: ExperimentSpec): CompiledGrid {
  const leaves = gridLeaves(spec.parameters);
  const canonical = leaves.map((leaf) => leaf.values.map(canonicalJson));
  // Only mappings (or lists holding them) are written differently, their keys unsorted: other values share the texts.
  const stored = leaves.map((leaf, i) =>
    leaf.values.some((v) => typeof v === 'object' && v !== null) ? leaf.values.map((v) => JSON.stringify(v)) : (canonical[i] as string[]),
  );
  const canonicalLayout: ParamsLayout = compileCanonicalLayout(spec.parameters);
  const storedLayout: ParamsLayout = compileDeclaredLayout(spec.parameters);
  return {
    leaves,
    canonical,
    stored,
    excludes: spec.exclude.map((entry) => compileExclude(entry, leaves, canonical)),
    plan: (canonicalText, storedText) => ({
      hash: sha256Hex(renderLayout(canonicalLayout, canonicalText)),
      paramsJson: renderLayout(storedLayout, storedText),
    }),
  };
}

/** An exclude entry as a test on value indices: every named leaf must hold the named value. */
function compileExclude(entry: PartialAssignment, leaves: GridLeaf[], canonical: string[][]): (index: readonly number[]) => boolean {
  const conditions = [...entry].map(([path, value]) => {
    const leafIndex = leaves.findIndex((l) => l.path === path);
    const wanted = canonicalJson(value);
    const valueIndices = new Set(canonical[leafIndex]?.flatMap((c, i) => (c === wanted ? [i] : [])));
    return { leafIndex, valueIndices };
  });
  return (index) => conditions.every((c) => c.valueIndices.has(index[c.leafIndex] as number));
}

/** An include entry's value of one leaf: its texts and its index in the leaf's domain (-1 for a new value). */
interface FixedValue {
  canonical: string;
  stored: string;
  domainIndex: number;
}

/** Per leaf, the value the entry fixes (undefined: the leaf ranges over its domain). */
interface CompiledInclude {
  fixed: Array<FixedValue | undefined>;
}

function compileInclude(entry: PartialAssignment, grid: CompiledGrid): CompiledInclude {
  return {
    fixed: grid.leaves.map((leaf, i) => {
      if (!entry.has(leaf.path)) return undefined;
      const value = entry.get(leaf.path) as JsonValue;
      const canonical = canonicalJson(value);
      return { canonical, stored: JSON.stringify(value), domainIndex: grid.canonical[i]?.indexOf(canonical) ?? -1 };
    }),
  };
}

/**
 * Whether an include's run (as domain indices, -1 for a new value) is a run of the product
 * that no exclude removed: then it is planned already.
 */
function productCheck(include: CompiledInclude, excluded: (index: readonly number[]) => boolean): (full: readonly number[]) => boolean {
  if (include.fixed.some((value) => value !== undefined && value.domainIndex < 0)) return () => false;
  return (full) => !excluded(full);
}

/** Whether a run of `include` is also a run of the `earlier` include entry. */
function repeatCheck(include: CompiledInclude, earlier: CompiledInclude): (full: readonly number[]) => boolean {
  const checks: Array<[leaf: number, domainIndex: number]> = [];
  for (const [leaf, value] of earlier.fixed.entries()) {
    const own = include.fixed[leaf];
    if (value === undefined) {
      // The earlier entry ranges over the domain here: a new value of ours is not among its runs.
      if (own !== undefined && own.domainIndex < 0) return () => false;
    } else if (own !== undefined) {
      if (own.canonical !== value.canonical) return () => false;
    } else if (value.domainIndex < 0) {
      return () => false;
    } else {
      checks.push([leaf, value.domainIndex]);
    }
  }
  return (full) => checks.every(([leaf, domainIndex]) => full[leaf] === domainIndex);
}

/** Every index vector of a mixed-radix counter, last digit fastest (the same array, updated in place). */
function* combinations(sizes: readonly number[]): Generator<readonly number[]> {
  if (sizes.some((n) => n === 0)) return;
  const index = sizes.map(() => 0);
  for (;;) {
    yield index;
    let digit = sizes.length - 1;
    for (; digit >= 0; digit--) {
      const next = (index[digit] as number) + 1;
      if (next < (sizes[digit] as number)) {
        index[digit] = next;
        break;
      }
      index[digit] = 0;
    }
    if (digit < 0) return;
  }
}
