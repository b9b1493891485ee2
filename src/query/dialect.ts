import type { JsonValue } from '../spec/types.js';
import type { JsonSource, KeyLookup, MetricStat, RunField } from './keys.js';

/**
 * The contract between the query layer and a store backend, and the only module of src/query
 * a backend imports: the backend supplies its SQL dialect and a key lookup; conditions and
 * keys, parsed at the edge, compile themselves with them.
 */

/** A lookup over a catalog read up front, for a backend that cannot answer key look-ups synchronously. */
export { catalogLookup } from './keys.js';
export type { JsonSource, KeyLookup, MetricStat, RunField };

/** A piece of SQL and the values of its `?` placeholders, in order. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export const JSON_TYPES = {
  number: ['integer', 'real'],
  string: ['text'],
} as const;

/**
 * The few SQL expressions that differ between backends. The compiler assembles everything
 * else (boolean logic, comparisons with `?` placeholders) itself. Implementations must
 * never splice a value or key into SQL text: keys travel as bound JSON paths, and the only
 * identifiers in the text come from fixed whitelists (run fields, metric statistics).
 */
export interface QueryDialect {
  /** The run column or expression of a field (`duration` in seconds). */
  field(field: RunField): string;
  /** The SQL value at a JSON path of params / settings / result; NULL when absent or JSON null. */
  jsonValue(source: JsonSource, path: readonly string[]): SqlFragment;
  /** The JSON type at a path: one of null, true, false, integer, real, text, array, object; NULL when absent. */
  jsonType(source: JsonSource, path: readonly string[]): SqlFragment;
  /** A number or string to compare with `jsonValue` (of the same JSON type). */
  jsonLiteral(value: string | number): SqlFragment;
  /** The number at a path; NULL when absent or not a number. */
  jsonNumber(source: JsonSource, path: readonly string[]): SqlFragment;
  /** The JSON text at a path (types kept), for grouping. */
  jsonText(source: JsonSource, path: readonly string[]): SqlFragment;
  /** A summary statistic of a run's metric; NULL when the run never logged the key. */
  metric(key: string, stat: MetricStat): SqlFragment;
  /** 1 when `value` is one of `values` (one bound parameter, whatever the list's length). */
  inList(value: SqlFragment, values: ReadonlyArray<string | number>): SqlFragment;
}

export function fragment(sql: string, ...params: unknown[]): SqlFragment {
  return { sql, params };
}

/** Joins fragments: `join(' AND ', a, b)`. */
export function join(separator: string, ...parts: SqlFragment[]): SqlFragment {
  return { sql: parts.map((p) => p.sql).join(separator), params: parts.flatMap((p) => p.params) };
}

/** `template` with each `$` replaced by the next part's SQL. */
export function sqlOf(template: string, ...parts: SqlFragment[]): SqlFragment {
  let index = 0;
  const sql = template.replace(/\$/g, () => (parts[index++] as SqlFragment).sql);
  return { sql, params: parts.flatMap((p) => p.params) };
}

/** A parsed query (parseRunCondition): what RunFilter.query holds. */
export interface RunCondition {
  /** The query as written, for messages. */
  readonly text: string;
  /** The WHERE condition; an unknown key is reported here, with the closest known ones. */
  toSql(lookup: KeyLookup, dialect: QueryDialect): SqlFragment;
}

/** A key to group, aggregate or sort by (`dataset`, `metrics.acc.max`), parsed at the edge (parseKeyExpression). */
export interface KeyExpression {
  readonly text: string;
  /** Its value as the run holds it (a number, text, a time), NULL when the run lacks it, for sorting. */
  sortSql(lookup: KeyLookup, dialect: QueryDialect): SqlFragment;
  /** Its value for grouping; with `json`, the SQL gives JSON text (so that 1, "1" and true stay apart) to parse back. */
  groupSql(lookup: KeyLookup, dialect: QueryDialect): SqlFragment & { json: boolean };
  /** Its value where it is a number, else NULL, for aggregating. */
  numberSql(lookup: KeyLookup, dialect: QueryDialect): SqlFragment;
}

export const AGGREGATE_FNS = ['mean', 'std', 'count', 'median', 'min', 'max', 'first', 'last'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

/** What a backend aggregates: `first` / `last` in run order, `std` the sample deviation; no key means count(*). */
export interface AggregateQuery {
  groupBy: readonly KeyExpression[];
  aggregates: ReadonlyArray<{ fn: AggregateFn; key?: KeyExpression }>;
}

/** One group: its key values in groupBy order, and one value per aggregate (null over no values). */
export interface AggregateRow {
  group: JsonValue[];
  values: Array<number | null>;
}
