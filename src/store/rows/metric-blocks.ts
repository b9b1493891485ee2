import type { MetricPoint } from '../../domain/index.js';
import { joinSpans, spanOfPoint } from '../series-spans.js';
import type { PlacedPoint, SeriesSpan } from '../series-store.js';

/**
 * A series is kept twice: its points (table metrics), and blocks of METRIC_BLOCK_SIZE
 * consecutive points as spans (table metric_blocks, schema 8): a chart of a million points
 * reads 7,813 blocks instead. Blocks are written in the transaction that appends the points,
 * for the attempt the key's summary follows (the one charts show), so they are never stale.
 */
export const METRIC_BLOCK_SIZE = 128;

const SPAN_POINTS = ['first', 'min', 'max', 'last'] as const;
const POINT_FIELDS = ['position', 'step', 'value', 'at'] as const;

/** metric_blocks' columns, in the order of blockParams. */
export const BLOCK_COLUMNS: readonly string[] = [
  'run_id',
  'key',
  'attempt',
  'block',
  'count',
  ...SPAN_POINTS.flatMap((point) => POINT_FIELDS.map((field) => `${point}_${field}`)),
];

/** When a kept point of the stored block gives way to the batch's: joinSpans in SQL. */
const REPLACED_WHEN: Record<(typeof SPAN_POINTS)[number], string> = {
  first: 'metric_blocks.first_value IS NULL',
  min: 'metric_blocks.min_value IS NULL OR excluded.min_value < metric_blocks.min_value',
  max: 'metric_blocks.max_value IS NULL OR excluded.max_value > metric_blocks.max_value',
  last: 'excluded.last_value IS NOT NULL',
};

/** Folds a batch's part of a block into the stored block (portable SQL; both backends insert with it). */
export const ON_BLOCK_CONFLICT = `ON CONFLICT (run_id, key, attempt, block) DO UPDATE SET
  count = metric_blocks.count + excluded.count,
  ${SPAN_POINTS.flatMap((point) =>
    POINT_FIELDS.map(
      (field) =>
        `${point}_${field} = CASE WHEN ${REPLACED_WHEN[point]} THEN excluded.${point}_${field} ELSE metric_blocks.${point}_${field} END`,
    ),
  ).join(',\n  ')}`;

/** The part of one block a batch appends to. */
export interface BatchBlock {
  key: string;
  block: number;
  span: SeriesSpan;
}

/**
 * The blocks a batch appends to, given where each key's points start (the key's count before
 * the batch); keys without a start (late points of an older attempt) have none.
 */
export function blocksOfBatch(points: readonly MetricPoint[], starts: ReadonlyMap<string, number>): BatchBlock[] {
  const next = new Map(starts);
  // A key's points come in order, so only its latest block can grow.
  const latest = new Map<string, BatchBlock>();
  const blocks: BatchBlock[] = [];
  for (const p of points) {
    const position = next.get(p.key);
    if (position === undefined) continue;
    next.set(p.key, position + 1);
    const block = Math.floor(position / METRIC_BLOCK_SIZE);
    const span = spanOfPoint(position, p.step, p.value, p.at);
    const known = latest.get(p.key);
    if (known?.block === block) joinSpans(known.span, span);
    else {
      const added = { key: p.key, block, span };
      latest.set(p.key, added);
      blocks.push(added);
    }
  }
  return blocks;
}

/** A block's values in BLOCK_COLUMNS order. */
export function blockParams(runId: number, attempt: number, { key, block, span }: BatchBlock): unknown[] {
  return [
    runId,
    key,
    attempt,
    block,
    span.count,
    ...SPAN_POINTS.flatMap((point) => {
      const p = span[point];
      return p ? [p.position, p.step, p.value, p.at] : [null, null, null, null];
    }),
  ];
}

/** The columns a block is read back with: a row of them, in this order, makes a span (spanOfBlockRow). */
export const SELECT_BLOCK_COLUMNS = ['block', 'count', ...BLOCK_COLUMNS.slice(5)].map((c) => `b.${c}`).join(', ');

/** A row of SELECT_BLOCK_COLUMNS as an array: a chart reads thousands, faster than as objects. */
export type BlockRow = ReadonlyArray<number | null>;

export function spanOfBlockRow(row: BlockRow): SeriesSpan {
  // The four points' fields follow block and count, in BLOCK_COLUMNS' order.
  const point = (n: number): PlacedPoint | null => {
    const at = 2 + n * POINT_FIELDS.length;
    return row[at + 2] === null
      ? null
      : { position: row[at] as number, step: row[at + 1] ?? null, value: row[at + 2] as number, at: row[at + 3] as number };
  };
  return {
    start: (row[0] as number) * METRIC_BLOCK_SIZE,
    count: row[1] as number,
    first: point(0),
    min: point(1),
    max: point(2),
    last: point(3),
  };
}
