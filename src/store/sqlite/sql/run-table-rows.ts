import type { RunFilter, RunTableRow } from '../../../domain/index.js';
import { type RunTableRowText, toRunTableRow } from '../../rows/records.js';
import type { StatementCache } from '../statement-cache.js';
import { runFilterSql } from './run-filter.js';

/**
 * The runs of the filter for a table of them: only the columns it shows, with each run's
 * metric summaries' last values folded into one JSON object by SQLite, in one query (a third
 * of the time of the full records and their summaries read apart, on 50,000 runs).
 */
export function listRunTableRows(sql: StatementCache, filter: RunFilter): RunTableRow[] {
  const { where, params } = runFilterSql(sql, filter);
  const rows = sql
    .get(
      `SELECT r.id, e.name AS experiment, r.state, r.attempt, r.params, r.result,
         (SELECT json_group_object(m.key, m.last) FROM metric_summaries m WHERE m.run_id = r.id) AS metrics
       FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE ${where} ORDER BY r.id`,
    )
    .all(...params) as RunTableRowText[];
  return rows.map(toRunTableRow);
}
