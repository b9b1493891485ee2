import type { KeyCatalog } from '../../../domain/metric.js';
import type { KeyLookup } from '../../../query/dialect.js';
import { RUN_SPEC } from '../../rows/run-row.js';
import type { StatementCache } from '../statement-cache.js';

const FROM = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id';

/**
 * Answers "does any run in scope have this key?" with one indexed or early-stopping query
 * each; the full catalog (every key of every run in scope) is read only when asked.
 */
export function sqliteKeyLookup(sql: StatementCache, scope: { where: string; params: unknown[] }): KeyLookup {
  const exists = (condition: string, value: unknown) =>
    sql.get(`SELECT 1 ${FROM} WHERE ${scope.where} AND ${condition} LIMIT 1`).get(...scope.params, value) !== undefined;
  const path = (root: string, segments: readonly string[]) => root + segments.map((s) => `."${s}"`).join('');
  let catalog: KeyCatalog | undefined;
  return {
    hasParam: (segments) => exists('json_type(r.params, ?) IS NOT NULL', path('$', segments)),
    hasSetting: (segments) => exists(`json_type(${RUN_SPEC}, ?) IS NOT NULL`, path('$.settings', segments)),
    hasMetric: (key) => exists('EXISTS (SELECT 1 FROM metric_summaries m WHERE m.run_id = r.id AND m.key = ?)', key),
    hasResult: (segments) => exists('json_type(r.result, ?) IS NOT NULL', path('$', segments)),
    hasRuns: () => exists('?', 1),
    catalog: () => {
      catalog ??= keyCatalog(sql, scope);
      return catalog;
    },
  };
}

export function keyCatalog(sql: StatementCache, scope: { where: string; params: unknown[] }): KeyCatalog {
  const leaves = (column: string, root: string) =>
    (
      sql
        .get(
          `SELECT DISTINCT j.fullkey AS key ${FROM}, json_tree(${column}, '${root}') j
           WHERE ${scope.where} AND j.type <> 'object' ORDER BY 1`,
        )
        .all(...scope.params) as Array<{ key: string }>
    )
      .map((row) => row.key)
      .filter((key) => !key.includes('['))
      .map((key) => key.slice(root.length + 1).replace(/"/g, ''))
      .filter((key) => key !== '');
  const metrics = sql
    .get(`SELECT DISTINCT m.key ${FROM} JOIN metric_summaries m ON m.run_id = r.id WHERE ${scope.where} ORDER BY 1`)
    .all(...scope.params) as Array<{ key: string }>;
  return {
    params: leaves('r.params', '$'),
    settings: leaves(RUN_SPEC, '$.settings'),
    metrics: metrics.map((row) => row.key),
    results: leaves('r.result', '$'),
  };
}
