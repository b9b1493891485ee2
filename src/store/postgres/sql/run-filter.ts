import type { KeyCatalog } from '../../../domain/metric.js';
import type { RunFilter } from '../../../domain/run-filter.js';
import { catalogLookup, type KeyLookup } from '../../../query/dialect.js';
import { RUN_SPEC } from '../../rows/run-row.js';
import type { PgSession } from '../pg-database.js';
import { postgresDialect } from './query-dialect.js';

export interface WhereSql {
  where: string;
  params: unknown[];
}

const FROM = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id';

/** The filter without its query: lists travel as one array parameter each. */
export function scopeSql(filter: RunFilter): WhereSql {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, values: readonly unknown[] | undefined) => {
    if (values === undefined) return;
    clauses.push(clause);
    params.push([...values]);
  };
  add('e.name = ANY(?::text[])', filter.experiments);
  add('r.state = ANY(?::text[])', filter.states);
  add('r.id = ANY(?::bigint[])', filter.ids);
  add('r.spec_version = ANY(?::int[])', filter.specVersions);
  return { where: clauses.length ? clauses.join(' AND ') : 'TRUE', params };
}

/**
 * The keys of the runs in scope, read once: the query compiler resolves keys synchronously,
 * so this backend gives it the whole catalog up front (catalogLookup).
 */
export async function keyLookup(db: PgSession, scope: WhereSql): Promise<KeyLookup> {
  const any = await db.get(`SELECT 1 ${FROM} WHERE ${scope.where} LIMIT 1`, scope.params);
  return catalogLookup(await keyCatalog(db, scope), any !== undefined);
}

/** A RunFilter as a WHERE clause over `runs r JOIN experiments e`, its query compiled among the runs the rest selects. */
export async function runFilterSql(db: PgSession, filter: RunFilter): Promise<WhereSql> {
  const scope = scopeSql(filter);
  if (filter.query === undefined) return scope;
  const condition = filter.query.toSql(await keyLookup(db, scope), postgresDialect);
  return { where: `${scope.where} AND ${condition.sql}`, params: [...scope.params, ...condition.params] };
}

export async function keyCatalog(db: PgSession, scope: WhereSql): Promise<KeyCatalog> {
  const leaves = async (doc: string) =>
    (
      await db.all<{ key: string }>(
        `SELECT key FROM (SELECT DISTINCT k AS key ${FROM}, lb_json_leaves(${doc}) k WHERE ${scope.where}) d ORDER BY key COLLATE "C"`,
        scope.params,
      )
    ).map((row) => row.key);
  const metrics = await db.all<{ key: string }>(
    `SELECT key FROM (SELECT DISTINCT m.key ${FROM} JOIN metric_summaries m ON m.run_id = r.id WHERE ${scope.where}) d
     ORDER BY key COLLATE "C"`,
    scope.params,
  );
  return {
    params: await leaves('r.params::jsonb'),
    settings: await leaves(`(${RUN_SPEC})::jsonb -> 'settings'`),
    metrics: metrics.map((row) => row.key),
    results: await leaves('r.result::jsonb'),
  };
}
