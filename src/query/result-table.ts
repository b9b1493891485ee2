import type { JsonValue } from '../spec/types.js';
import { type AggregateSpec, aggregateLabel } from './aggregate-spec.js';
import type { AggregateRow } from './dialect.js';

/** An aggregated table: the keys grouped by, the aggregates, and one row per group, sorted by group values. */
export interface AggregateResult {
  groupBy: string[];
  aggregates: AggregateSpec[];
  rows: AggregateRow[];
}

/** A column of a results table: a group key, a `mean ± std` pair, or one aggregate. */
export type TableColumn =
  | { kind: 'group'; title: string; index: number }
  | { kind: 'measure'; title: string; mean: number; std: number }
  | { kind: 'value'; title: string; index: number; integer: boolean };

export interface ResultTable {
  columns: TableColumn[];
  result: AggregateResult;
}

/** Pairs mean(k) with std(k) into one `k` column (shown as mean ± std); other aggregates stay apart. */
export function resultTable(result: AggregateResult): ResultTable {
  const columns: TableColumn[] = result.groupBy.map((title, index) => ({ kind: 'group', title, index }));
  const paired = new Set<number>();
  result.aggregates.forEach((spec, index) => {
    if (paired.has(index)) return;
    const std = spec.fn === 'mean' ? result.aggregates.findIndex((s) => s.fn === 'std' && s.key === spec.key) : -1;
    if (std >= 0) {
      paired.add(std);
      columns.push({ kind: 'measure', title: (spec.key as string).replace(/^metrics\./, ''), mean: index, std });
    } else {
      const title = spec.fn === 'count' && spec.key === undefined ? 'n' : aggregateLabel(spec);
      columns.push({ kind: 'value', title, index, integer: spec.fn === 'count' });
    }
  });
  return { columns, result };
}

export interface CellOptions {
  digits: number;
  best?: 'max' | 'min';
}

/** A cell as numbers and text, for the text formats to lay out. */
export interface Cell {
  text: string;
  /** For measures: the mean and std as text, so a format can write `mean \pm std`. */
  mean?: string;
  std?: string;
  best: boolean;
}

export function tableCells(table: ResultTable, options: CellOptions): Cell[][] {
  const rows = table.result.rows;
  const format = (value: number | null, integer = false) => (value === null ? '' : integer ? String(value) : value.toFixed(options.digits));
  const bestOf = table.columns.map((column) => {
    if (!options.best || column.kind === 'group' || (column.kind === 'value' && column.integer)) return undefined;
    const index = column.kind === 'measure' ? column.mean : column.index;
    const values = rows.map((row) => row.values[index]).filter((v): v is number => v !== null && v !== undefined);
    if (values.length === 0) return undefined;
    return format(options.best === 'max' ? Math.max(...values) : Math.min(...values));
  });
  return rows.map((row) =>
    table.columns.map((column, c) => {
      if (column.kind === 'group') return { text: groupText(row.group[column.index] as JsonValue), best: false };
      if (column.kind === 'value') {
        const text = format(row.values[column.index] ?? null, column.integer);
        return { text, best: text !== '' && text === bestOf[c] };
      }
      const mean = format(row.values[column.mean] ?? null);
      const std = format(row.values[column.std] ?? null);
      const text = mean === '' ? '' : std === '' ? mean : `${mean} ± ${std}`;
      return { text, ...(mean !== '' && { mean }), ...(std !== '' && { std }), best: mean !== '' && mean === bestOf[c] };
    }),
  );
}

function groupText(value: JsonValue): string {
  if (value === null) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
