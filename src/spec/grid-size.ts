import { GridTooLargeError } from '../errors.js';
import { withThousands } from '../util/thousands.js';
import { gridLeaves, gridSize } from './parameter-grid.js';
import type { ExperimentSpec } from './types.js';

/** The most runs one spec may plan unless told otherwise (--grid-limit, $LABBOOK_GRID_LIMIT). */
export const DEFAULT_GRID_LIMIT = 10_000_000;

/**
 * Refuses a spec that plans more than `limit` runs, counted before anything is expanded: the
 * product of the parameters' sizes, plus the most each include adds. Excludes are not
 * subtracted (counting what they remove means expanding the grid), so the count is the
 * most the grid can plan.
 */
export function checkGridSize(spec: ExperimentSpec, limit: number): void {
  const leaves = gridLeaves(spec.parameters);
  const product = gridSize(spec.parameters);
  const included = spec.include.reduce(
    (sum, entry) => sum + leaves.reduce((n, leaf) => n * (entry.has(leaf.path) ? 1 : leaf.values.length), 1),
    0,
  );
  if (product + included <= limit) return;
  const factors = leaves.map((leaf) => `${leaf.path} ${count(leaf.values.length)}`).join(' × ');
  const more = [included > 0 && `up to ${count(included)} more from include`, spec.exclude.length > 0 && 'before exclude'].filter(Boolean);
  throw new GridTooLargeError(spec.name, `${count(product + included)} runs (${[factors, ...more].join(', ')})`, product + included, limit);
}

function count(n: number): string {
  return withThousands(n);
}
