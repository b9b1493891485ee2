import type { KeyCatalog } from '../domain/metric.js';
import type { RunFilter } from '../domain/run-filter.js';
import { QueryInvalidError, UsageError } from '../errors.js';
import type { JsonValue } from '../spec/types.js';
import type { AggregateSpec } from './aggregate-spec.js';
import type { AggregateRow } from './dialect.js';
import { type ResultTable, resultTable } from './result-table.js';
import { parseKeyExpression } from './run-condition.js';
import type { RunSource } from './run-source.js';
import { compareValues } from './values.js';

export { type AggregateSpec, aggregateLabel, parseAggregates } from './aggregate-spec.js';
export type { QueryExpr } from './ast.js';
export { compileQuery, keyValueSql } from './compile.js';
export type { QueryDialect, SqlFragment } from './dialect.js';
export { type ExportTable, exportRuns } from './export.js';
export { EXPORT_FORMATS, type ExportFormat, exportText, writeExport } from './format/export-formats.js';
export { formatTable, latexTable, markdownTable, TABLE_FORMATS, type TableFormat } from './format/table-formats.js';
export { catalogLookup, type KeyLookup, knownKeys, type ResolvedKey, resolveKey } from './keys.js';
export { parseKey, parseQuery } from './parser.js';
export {
  type AggregateResult,
  type Cell,
  type CellOptions,
  type ResultTable,
  resultTable,
  type TableColumn,
  tableCells,
} from './result-table.js';
export { parseKeyExpression, parseRunCondition } from './run-condition.js';
export type { RunSource } from './run-source.js';

/**
 * Columns of one table, groups and aggregates together. A query returns at most 2,000 columns
 * in SQLite (its default SQLITE_MAX_COLUMN) and 1,664 in PostgreSQL; beyond, the store failed.
 */
export const MAX_TABLE_COLUMNS = 1_500;

/** Without explicit aggregates a table shows how many runs each group has and mean ± std of every metric. */
export function defaultAggregates(catalog: KeyCatalog): AggregateSpec[] {
  return [
    { fn: 'count' },
    ...catalog.metrics.flatMap((key): AggregateSpec[] => [
      { fn: 'mean', key: `metrics.${key}` },
      { fn: 'std', key: `metrics.${key}` },
    ]),
  ];
}

/** Groups and aggregates the runs a filter selects, ready for formatTable. */
export async function aggregateTable(
  store: RunSource,
  filter: RunFilter,
  request: { groupBy?: readonly string[]; aggregates?: readonly AggregateSpec[] },
): Promise<ResultTable> {
  const aggregates = request.aggregates?.length ? request.aggregates : defaultAggregates(await store.keyCatalog(filter));
  const groupBy = request.groupBy ?? [];
  const columns = groupBy.length + aggregates.length;
  if (columns > MAX_TABLE_COLUMNS) {
    const which = request.aggregates?.length ? 'the aggregates given' : `mean ± std of each of the ${(aggregates.length - 1) / 2} metrics`;
    throw new UsageError(
      `the table would have ${columns} columns (${which}); at most ${MAX_TABLE_COLUMNS} fit: name the keys, e.g. -a 'mean,std(metrics.acc)'`,
    );
  }
  for (const { fn, key } of aggregates) {
    if (key === undefined && fn !== 'count') throw new QueryInvalidError(`${fn}()`, 1, `${fn} needs a key, e.g. ${fn}(score)`);
  }
  const rows = await store.aggregateRuns(filter, {
    groupBy: groupBy.map(parseKeyExpression),
    aggregates: aggregates.map(({ fn, key }) => (key === undefined ? { fn } : { fn, key: parseKeyExpression(key) })),
  });
  return resultTable({ groupBy: [...groupBy], aggregates: [...aggregates], rows: rows.sort(byGroup) });
}

function byGroup(a: AggregateRow, b: AggregateRow): number {
  for (let i = 0; i < a.group.length; i++) {
    const order = compareValues(a.group[i] as JsonValue, b.group[i] as JsonValue);
    if (order !== 0) return order;
  }
  return 0;
}
