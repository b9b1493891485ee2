import type { RunFilter } from '../../types.js';

/**
 * A RunFilter as a WHERE clause over `runs r JOIN experiments e`. Lists travel as one JSON
 * parameter read by json_each, so any number of ids fits in one prepared statement.
 */
export function runFilterSql(filter: RunFilter): { where: string; params: unknown[] } {
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
  return { where: clauses.length ? clauses.join(' AND ') : '1', params };
}
