import type { RunFilter } from '../../../domain/run-filter.js';
import type { StatementCache } from '../statement-cache.js';
import { sqliteKeyLookup } from './key-lookup.js';
import { sqliteDialect } from './query-dialect.js';

/**
 * A RunFilter as a WHERE clause over `runs r JOIN experiments e`. Lists travel as one JSON
 * parameter read by json_each, so any number of ids fits in one prepared statement. The
 * query, if any, is compiled with its keys resolved among the runs the other fields select.
 */
export function runFilterSql(sql: StatementCache, filter: RunFilter): { where: string; params: unknown[] } {
  const scope = scopeSql(filter);
  if (filter.query === undefined) return scope;
  const condition = filter.query.toSql(sqliteKeyLookup(sql, scope), sqliteDialect);
  return { where: `${scope.where} AND ${condition.sql}`, params: [...scope.params, ...condition.params] };
}

/** The filter without its query. */
export function scopeSql(filter: RunFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.experiments) {
    clauses.push('e.name IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.experiments));
  }
  if (filter.states) {
    clauses.push('r.state IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.states));
  }
  if (filter.ids) {
    clauses.push('r.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.ids));
  }
  if (filter.specVersions) {
    clauses.push('r.spec_version IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.specVersions));
  }
  return { where: clauses.length ? clauses.join(' AND ') : '1', params };
}
