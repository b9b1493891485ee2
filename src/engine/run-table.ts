import type { RunTableRow } from '../domain/index.js';
import type { JsonValue } from '../spec/types.js';

/**
 * The runs as the Python Reader shows them (clients/python/src/labbook/_reader.py): a row per
 * run of its id, experiment, state and attempt, its parameters (nested ones dotted: `opt.lr`),
 * the last value of each of its metrics and the fields of its result (dotted too; a result that
 * is no object is the column `result`). A parameter may shadow the first four; a metric or a
 * result field never shadows what comes before it. Columns and
 * rows, not an object per run: a client makes a data frame of them without a dict per run.
 */
export interface RunTable {
  columns: string[];
  /** The columns that hold metric values (a client reads them as floats). */
  metricColumns: string[];
  rows: JsonValue[][];
}

const BASE = ['id', 'experiment', 'state', 'attempt'] as const;

export function runTable(runs: readonly RunTableRow[]): RunTable {
  const index = new Map<string, number>(BASE.map((name, i) => [name, i]));
  const metricColumns = new Set<string>();
  const records = runs.map((run) => {
    const record = new Map<string, JsonValue>([
      ['id', run.id],
      ['experiment', run.experiment],
      ['state', run.state],
      ['attempt', run.attempt],
    ]);
    for (const [key, value] of flatten(run.params as Record<string, JsonValue>)) record.set(key, value);
    for (const [key, last] of Object.entries(run.metrics)) {
      if (record.has(key)) continue;
      record.set(key, last);
      metricColumns.add(key);
    }
    if (isObject(run.result)) {
      for (const [key, value] of flatten(run.result)) if (!record.has(key)) record.set(key, value);
    } else {
      record.set('result', run.result);
    }
    for (const key of record.keys()) if (!index.has(key)) index.set(key, index.size);
    return record;
  });
  const columns = [...index.keys()];
  const rows = records.map((record) => columns.map((column) => record.get(column) ?? null));
  return { columns, metricColumns: columns.filter((column) => metricColumns.has(column)), rows };
}

/** `{"opt": {"lr": 0.1}}` → `opt.lr`: 0.1; an empty object stays a value. */
function flatten(value: Record<string, JsonValue>, prefix = '', into = new Map<string, JsonValue>()): Map<string, JsonValue> {
  for (const [key, item] of Object.entries(value)) {
    const name = `${prefix}${key}`;
    if (isObject(item) && Object.keys(item).length > 0) flatten(item, `${name}.`, into);
    else into.set(name, item);
  }
  return into;
}

function isObject(value: JsonValue | null): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
