import type { TopLevelSpec } from 'vega-lite';
import type { MetricPoint } from '../domain/index.js';
import type { JsonValue } from '../spec/types.js';

export interface RunSeries {
  /** The line's name in the legend, e.g. `run 42`. */
  label: string;
  /** The value of the grouping parameter, when grouped. */
  group?: JsonValue;
  points: readonly MetricPoint[];
}

interface Band {
  group: string;
  step: number;
  mean: number;
  lower: number;
  upper: number;
  runs: number;
}

/**
 * A Vega-Lite line chart of one metric over steps: one line per run, or with `grouped`
 * one mean line per group value with a ± one standard deviation band (over the runs of
 * the group that logged that step). A point without a step is placed at its index.
 */
export function metricChartSpec(key: string, series: readonly RunSeries[], options: { grouped?: string } = {}): TopLevelSpec {
  const x = { field: 'step', type: 'quantitative', title: 'step' } as const;
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.grouped ? `${key} by ${options.grouped} (mean ± std)` : key,
    width: 640,
    height: 360,
    background: 'white',
    config: { font: 'DejaVu Sans' },
  };
  if (!options.grouped) {
    const values = series.flatMap((s) => steps(s.points).map(([step, value]) => ({ run: s.label, step, value })));
    return {
      ...base,
      data: { values },
      mark: { type: 'line', clip: true },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: key, scale: { zero: false } },
        color: { field: 'run', type: 'nominal', title: 'run', sort: null },
      },
    };
  }
  const color = { field: 'group', type: 'nominal', title: options.grouped, sort: null } as const;
  return {
    ...base,
    data: { values: bands(series) },
    encoding: { x, color },
    layer: [
      {
        mark: { type: 'area', opacity: 0.2 },
        encoding: { y: { field: 'lower', type: 'quantitative', title: key, scale: { zero: false } }, y2: { field: 'upper' } },
      },
      { mark: 'line', encoding: { y: { field: 'mean', type: 'quantitative' } } },
    ],
  };
}

/** (step, value) pairs with a finite value. */
function steps(points: readonly MetricPoint[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  points.forEach((p, index) => {
    if (p.value !== null) pairs.push([p.step ?? index, p.value]);
  });
  return pairs;
}

/** Per group and step: mean and sample standard deviation over the group's runs. */
function bands(series: readonly RunSeries[]): Band[] {
  const byGroup = new Map<string, Map<number, number[]>>();
  for (const s of series) {
    const group = typeof s.group === 'string' ? s.group : JSON.stringify(s.group ?? null);
    let bySteps = byGroup.get(group);
    if (!bySteps) {
      bySteps = new Map();
      byGroup.set(group, bySteps);
    }
    for (const [step, value] of steps(s.points)) {
      const values = bySteps.get(step);
      if (values) values.push(value);
      else bySteps.set(step, [value]);
    }
  }
  const out: Band[] = [];
  for (const [group, bySteps] of byGroup) {
    for (const [step, values] of [...bySteps].sort((a, b) => a[0] - b[0])) {
      const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
      const variance = values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
      const std = Math.sqrt(variance);
      out.push({ group, step, mean, lower: mean - std, upper: mean + std, runs: values.length });
    }
  }
  return out;
}
