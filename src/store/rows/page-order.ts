import { type KeyLookup, type QueryDialect, type SqlFragment, sqlOf } from '../../query/dialect.js';
import type { RunSort } from '../types.js';

/**
 * The ORDER BY of a page of runs: by any key a query can name (`lr`, `metrics.val.loss.min`,
 * `started`); runs without it come last, ties in run order. Run order when there is no sort.
 */
export function sortOrder(sort: RunSort | undefined, lookup: KeyLookup | undefined, dialect: QueryDialect): SqlFragment {
  const direction = sort?.descending ? 'DESC' : 'ASC';
  if (!sort || !lookup) return { sql: `r.id ${direction}`, params: [] };
  const value = sort.key.sortSql(lookup, dialect);
  return sqlOf(`($) IS NULL, $ ${direction}, r.id ${direction}`, value, value);
}
