import { BLOCK_COLUMNS } from '../rows/metric-blocks.js';

/**
 * Every table of the store's schema that holds data, in an order where each row's references
 * are copied before it, with the columns both backends have and the order rows are copied in
 * (a table's logging order, for metrics: SQLite's rowid, PostgreSQL's seq). Bookkeeping
 * tables are not listed: labbook_migrations (each store has its own schema), SQLite's
 * run_hashes (made from runs), PostgreSQL's store_config (the destination's own).
 * test/integration/store/copy-store.test.ts checks that no table of either schema is missing.
 */
export interface StoreTable {
  name: string;
  columns: readonly string[];
  /** SQL of the copy order; `$seq` is the backend's insertion-order column. */
  order: string;
}

export const STORE_TABLES: readonly StoreTable[] = [
  { name: 'experiments', columns: ['id', 'name', 'spec', 'created_at', 'updated_at'], order: 'id' },
  { name: 'spec_versions', columns: ['experiment_id', 'version', 'spec', 'created_at'], order: 'experiment_id, version' },
  {
    name: 'runs',
    columns: [
      'id',
      'experiment_id',
      'spec_version',
      'hash',
      'params',
      'state',
      'priority',
      'attempt',
      'failures',
      'losses',
      'retries',
      'lease_owner',
      'lease_expires_at',
      'worker_id',
      'created_at',
      'queued_at',
      'started_at',
      'finished_at',
      'exit_code',
      'failure_reason',
      'error',
      'result',
      'rerun_of',
    ],
    order: 'id',
  },
  { name: 'run_events', columns: ['id', 'run_id', 'at', 'from_state', 'to_state', 'attempt', 'worker_id', 'reason'], order: 'id' },
  { name: 'workers', columns: ['id', 'host', 'pid', 'started_at', 'heartbeat_at', 'stopped_at', 'info'], order: 'started_at, id' },
  { name: 'objects', columns: ['sha256', 'size', 'created_at'], order: 'sha256' },
  { name: 'checkpoints', columns: ['run_id', 'attempt', 'sha256', 'size', 'created_at'], order: 'run_id' },
  { name: 'metrics', columns: ['run_id', 'attempt', 'key', 'step', 'at', 'value'], order: '$seq' },
  {
    name: 'metric_summaries',
    columns: ['run_id', 'key', 'attempt', 'first', 'last', 'min', 'max', 'count', 'last_step', 'updated_at'],
    order: 'run_id, key',
  },
  { name: 'metric_blocks', columns: BLOCK_COLUMNS, order: 'run_id, key, attempt, block' },
  { name: 'artifacts', columns: ['run_id', 'name', 'attempt', 'sha256', 'size', 'media_type', 'created_at'], order: 'run_id, name' },
  { name: 'environment_parts', columns: ['sha256', 'data'], order: 'sha256' },
  { name: 'environments', columns: ['run_id', 'attempt', 'data'], order: 'run_id, attempt' },
  {
    name: 'studies',
    columns: [
      'id',
      'name',
      'experiment_id',
      'space',
      'sampler',
      'sampler_options',
      'pruner',
      'pruner_options',
      'directions',
      'objectives',
      'seed',
      'trial_seq',
      'created_at',
    ],
    order: 'id',
  },
  {
    name: 'trials',
    columns: [
      'study_id',
      'number',
      'run_id',
      'state',
      'params',
      'trial_values',
      'lease_owner',
      'lease_expires_at',
      'asked_at',
      'finished_at',
      'updated_seq',
    ],
    order: 'study_id, number',
  },
  { name: 'trial_reports', columns: ['study_id', 'number', 'step', 'value'], order: 'study_id, number, step' },
  { name: 'code_snapshots', columns: ['tree', 'git_commit', 'diff', 'repository', 'created_at'], order: 'tree' },
  { name: 'entities', columns: ['id', 'uid', 'kind', 'name', 'version', 'body', 'created_at'], order: 'id' },
  { name: 'entity_edges', columns: ['from_id', 'edge', 'to_id'], order: 'from_id, edge, to_id' },
  { name: 'entity_annotations', columns: ['entity_id', 'key', 'value', 'created_at'], order: 'entity_id, key' },
  { name: 'entity_tags', columns: ['entity_id', 'tag', 'created_at'], order: 'entity_id, tag' },
];

/** Tables of either schema that are not data (see STORE_TABLES). */
export const BOOKKEEPING_TABLES: readonly string[] = ['labbook_migrations', 'run_hashes', 'store_config'];

/** What copyStore reads and writes through: one backend's tables. */
export interface TableAccess {
  /** Whether the store holds any experiment (a destination must not). */
  isEmpty(): Promise<boolean>;
  /** Rows in copy order, `limit` at a time from `offset`, as arrays in `table.columns` order. */
  read(table: StoreTable, offset: number, limit: number): Promise<unknown[][]>;
  /** Inserts rows (arrays in `table.columns` order) as they are, ids included. */
  write(table: StoreTable, rows: readonly unknown[][]): Promise<void>;
  /** After every table: what the backend derives from the rows (id sequences, hash keys). */
  finish(): Promise<void>;
}
