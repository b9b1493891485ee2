import type { KeyCatalog, MetricSummary } from '../domain/metric.js';
import type { RunRecord } from '../domain/run.js';
import type { RunFilter } from '../domain/run-filter.js';
import type { AggregateQuery, AggregateRow } from './dialect.js';

/** What tables and exports read: any store provides it (the query layer does not depend on one). */
export interface RunSource {
  keyCatalog(filter: RunFilter): Promise<KeyCatalog>;
  aggregateRuns(filter: RunFilter, query: AggregateQuery): Promise<AggregateRow[]>;
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  listRunsMetricSummaries(filter: RunFilter): Promise<Array<MetricSummary & { runId: number }>>;
}
