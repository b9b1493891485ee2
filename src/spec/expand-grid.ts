import { canonicalJson } from './canonical-json.js';
import { compileCanonicalLayout } from './canonical-layout.js';
import { type GridLeaf, gridLeaves } from './parameter-grid.js';
import { sha256Hex } from './run-hash.js';
import type { ExperimentSpec, JsonObject, JsonValue, Params, PartialAssignment } from './types.js';

export interface PlannedRun {
  params: Params;
  hash: string;
}

/**
 * The runs of a spec, in a deterministic order: the cartesian product of the parameter
 * domains (last parameter fastest, like itertools.product), minus runs matching any
 * `exclude` entry, then each `include` entry with its unnamed parameters ranging over the
 * grid. A run already planned (same hash) is not planned twice.
 */
export function expandGrid(spec: ExperimentSpec): PlannedRun[] {
  const leaves = gridLeaves(spec.parameters);
  const canonical = leaves.map((leaf) => leaf.values.map(canonicalJson));
  // Canonical JSON is assembled from per-value fragments in a key order sorted once, which
  // is what makes expanding and hashing 100,000 runs take milliseconds, not seconds.
  const layout = compileCanonicalLayout(spec.parameters);
  const excludes = spec.exclude.map((entry) => compileExclude(entry, leaves, canonical));
  const runs: PlannedRun[] = [];
  // Values within a parameter are distinct (checked when the spec is read), so the product
  // has no duplicates; only includes can repeat a run.
  forEachCombination(
    leaves.map((l) => l.values.length),
    (index) => {
      if (excludes.some((matches) => matches(index))) return;
      const params = buildParams(leaves, (i) => leaves[i]?.values[index[i] as number] as JsonValue);
      runs.push({ params, hash: sha256Hex(layout((i) => canonical[i]?.[index[i] as number] as string)) });
    },
  );
  if (spec.include.length === 0) return runs;
  const seen = new Set(runs.map((r) => r.hash));
  for (const entry of spec.include) {
    const free = leaves.map((leaf) => (entry.has(leaf.path) ? 1 : leaf.values.length));
    forEachCombination(free, (index) => {
      const valueAt = (i: number): JsonValue => {
        const leaf = leaves[i] as GridLeaf;
        return entry.has(leaf.path) ? (entry.get(leaf.path) as JsonValue) : (leaf.values[index[i] as number] as JsonValue);
      };
      const hash = sha256Hex(layout((i) => canonicalJson(valueAt(i))));
      if (seen.has(hash)) return;
      seen.add(hash);
      runs.push({ params: buildParams(leaves, valueAt), hash });
    });
  }
  return runs;
}

/** An exclude entry as a test on value indices: every named leaf must hold the named value. */
function compileExclude(entry: PartialAssignment, leaves: GridLeaf[], canonical: string[][]): (index: number[]) => boolean {
  const conditions = [...entry].map(([path, value]) => {
    const leafIndex = leaves.findIndex((l) => l.path === path);
    const wanted = canonicalJson(value);
    const valueIndices = new Set(canonical[leafIndex]?.flatMap((c, i) => (c === wanted ? [i] : [])));
    return { leafIndex, valueIndices };
  });
  return (index) => conditions.every((c) => c.valueIndices.has(index[c.leafIndex] as number));
}

/** Calls `visit` with every index vector of a mixed-radix counter, last digit fastest. */
function forEachCombination(sizes: number[], visit: (index: number[]) => void): void {
  if (sizes.some((n) => n === 0)) return;
  const index = sizes.map(() => 0);
  for (;;) {
    visit(index);
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

function buildParams(leaves: GridLeaf[], valueAt: (leafIndex: number) => JsonValue): Params {
  const params: Params = {};
  leaves.forEach((leaf, i) => {
    let target: JsonObject = params;
    for (const segment of leaf.segments.slice(0, -1)) {
      target[segment] ??= {};
      target = target[segment] as JsonObject;
    }
    target[leaf.segments[leaf.segments.length - 1] as string] = valueAt(i);
  });
  return params;
}
