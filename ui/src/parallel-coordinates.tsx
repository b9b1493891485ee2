import type { Run } from './api.js';
import { formatValue, valueAt } from './format.js';

/**
 * Parallel coordinates of runs: an axis per parameter and one for the metric, a line per run
 * coloured by its metric (low blue, high orange). A numeric axis spans its values; any other
 * spaces its distinct values evenly. Hand-drawn SVG: every label is a text node (escaped).
 */
interface Axis {
  key: string;
  label: string;
  /** Where a run's value is on the axis, 0 (bottom) to 1, or undefined when it has none. */
  place(run: Run): number | undefined;
  ticks: Array<{ at: number; text: string }>;
}

const HEIGHT = 320;
const MARGIN = { top: 34, bottom: 22, side: 56 };
const AXIS_GAP = 150;

function numericAxis(key: string, label: string, values: Array<number | undefined>, read: (run: Run) => unknown): Axis {
  const present = values.filter((v): v is number => v !== undefined);
  const min = Math.min(...present);
  const max = Math.max(...present);
  const span = max - min;
  return {
    key,
    label,
    place: (run) => {
      const value = read(run);
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      return span === 0 ? 0.5 : (value - min) / span;
    },
    ticks:
      span === 0
        ? [{ at: 0.5, text: formatValue(min) }]
        : [
            { at: 0, text: formatValue(min) },
            { at: 1, text: formatValue(max) },
          ],
  };
}

function categoricalAxis(key: string, label: string, runs: readonly Run[], read: (run: Run) => unknown): Axis {
  const names = [
    ...new Set(
      runs
        .map((run) => read(run))
        .filter((v) => v !== undefined && v !== null)
        .map(formatValue),
    ),
  ].sort();
  const at = (i: number) => (names.length === 1 ? 0.5 : i / (names.length - 1));
  const index = new Map(names.map((name, i) => [name, at(i)]));
  return {
    key,
    label,
    place: (run) => {
      const value = read(run);
      return value === undefined || value === null ? undefined : index.get(formatValue(value));
    },
    ticks: names.map((text, i) => ({ at: at(i), text })),
  };
}

function axisOf(key: string, label: string, runs: readonly Run[], read: (run: Run) => unknown): Axis {
  const values = runs.map(read);
  const numeric = values.every((v) => v === undefined || v === null || typeof v === 'number');
  return numeric
    ? numericAxis(
        key,
        label,
        values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)),
        read,
      )
    : categoricalAxis(key, label, runs, read);
}

function colorOf(t: number | undefined): string {
  if (t === undefined) return 'var(--muted)';
  return `hsl(${Math.round(220 - 190 * t)} 75% 50%)`;
}

export function ParallelCoordinates({ runs, params, metric }: { runs: readonly Run[]; params: readonly string[]; metric: string }) {
  const metricOf = (run: Run) => run.metrics[metric]?.last ?? undefined;
  const axes = [
    ...params.map((key) => axisOf(key, key, runs, (run) => valueAt(run.params, key))),
    axisOf(`metrics.${metric}`, metric, runs, metricOf),
  ];
  const width = MARGIN.side * 2 + AXIS_GAP * Math.max(1, axes.length - 1);
  const x = (i: number) => MARGIN.side + i * AXIS_GAP;
  const y = (t: number) => MARGIN.top + (1 - t) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const metricAxis = axes[axes.length - 1] as Axis;
  return (
    <svg
      class="parallel"
      viewBox={`0 0 ${width} ${HEIGHT}`}
      style={{ maxWidth: `${Math.round(width * 1.4)}px` }}
      role="img"
      aria-label={`parallel coordinates of ${runs.length} runs: ${axes.map((a) => a.label).join(', ')}`}
      data-lines={runs.length}
      data-axes={axes.map((a) => a.key).join(',')}
    >
      {runs.map((run) => {
        const points = axes.flatMap((axis, i) => {
          const t = axis.place(run);
          return t === undefined ? [] : [`${x(i)},${y(t).toFixed(1)}`];
        });
        return (
          <polyline key={run.id} points={points.join(' ')} fill="none" stroke={colorOf(metricAxis.place(run))} stroke-opacity="0.7">
            <title>{`run ${run.id}: ${axes.map((a, i) => `${a.label}=${formatValue(i === axes.length - 1 ? metricOf(run) : valueAt(run.params, a.key))}`).join(', ')}`}</title>
          </polyline>
        );
      })}
      {axes.map((axis, i) => (
        <g key={axis.key} class="axis">
          <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} />
          <text x={x(i)} y={MARGIN.top - 16} text-anchor="middle" class="axis-label">
            {axis.label}
          </text>
          {axis.ticks.map((tick) => (
            <text key={tick.text} x={x(i) + 5} y={y(tick.at) + 4} class="tick">
              {tick.text}
            </text>
          ))}
        </g>
      ))}
    </svg>
  );
}
