import type { TopLevelSpec } from 'vega-lite';
import type { StudyRecord, TrialRecord } from '../domain/study.js';
import { toLoss } from '../search/objective.js';
import type { SearchSpace } from '../search/types.js';

/** The charts `labbook study --plot` draws, as Vega-Lite specs (rendered as the tracking layer renders its plots). */
export const STUDY_CHARTS = ['history', 'parallel', 'pareto'] as const;
export type StudyChart = (typeof STUDY_CHARTS)[number];

const base = (title: string) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title,
  width: 640,
  height: 360,
  background: 'white',
  config: { font: 'DejaVu Sans' },
});

/** Each COMPLETE trial's first objective by trial number, and the best so far as a step line. */
export function historyChartSpec(study: StudyRecord, trials: readonly TrialRecord[]): TopLevelSpec {
  const objective = study.objectives[0] ?? 'value';
  const direction = study.directions[0] ?? 'minimize';
  let best: number | undefined;
  const values = trials
    .filter((t) => t.state === 'COMPLETE' && Number.isFinite(t.values?.[0]))
    .map((t) => {
      const value = t.values?.[0] as number;
      if (best === undefined || toLoss(value, direction) < toLoss(best, direction)) best = value;
      return { trial: t.number, value, best };
    });
  const x = { field: 'trial', type: 'quantitative', title: 'trial' } as const;
  return {
    ...base(`${study.name}: ${objective} by trial`),
    data: { values },
    layer: [
      {
        mark: { type: 'point', opacity: 0.6 },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: objective, scale: { zero: false } } },
      },
      {
        mark: { type: 'line', interpolate: 'step-after', color: 'firebrick' },
        encoding: { x, y: { field: 'best', type: 'quantitative' } },
      },
    ],
  };
}

/** Parallel coordinates: one line per COMPLETE trial across its numeric parameters (each scaled to its range), coloured by value. */
export function parallelChartSpec(study: StudyRecord, space: SearchSpace, trials: readonly TrialRecord[]): TopLevelSpec {
  const objective = study.objectives[0] ?? 'value';
  const axes = space.parameters.filter((p) => p.distribution.kind !== 'categorical');
  const values = trials
    .filter((t) => t.state === 'COMPLETE' && Number.isFinite(t.values?.[0]))
    .flatMap((t) =>
      axes.flatMap(({ name, distribution }) => {
        const v = t.params[name];
        if (typeof v !== 'number' || distribution.kind === 'categorical') return [];
        const log = distribution.kind === 'loguniform' || distribution.kind === 'intlog';
        const scale = (x: number) => (log ? Math.log(x) : x);
        const position = (scale(v) - scale(distribution.low)) / (scale(distribution.high) - scale(distribution.low));
        return [{ trial: t.number, parameter: name, position, actual: v, value: t.values?.[0] }];
      }),
    );
  return {
    ...base(`${study.name}: parameters of each trial, by ${objective}`),
    data: { values },
    mark: { type: 'line', opacity: 0.5 },
    encoding: {
      x: { field: 'parameter', type: 'nominal', sort: axes.map((p) => p.name), title: null },
      y: { field: 'position', type: 'quantitative', title: 'position in range (log scale for log parameters)', scale: { domain: [0, 1] } },
      color: { field: 'value', type: 'quantitative', title: objective },
      detail: { field: 'trial', type: 'nominal' },
    },
  };
}

/** The first two objectives of every COMPLETE trial, the Pareto front's trials drawn apart. */
export function paretoChartSpec(study: StudyRecord, trials: readonly TrialRecord[], front: readonly TrialRecord[]): TopLevelSpec {
  const [first = 'value0', second = 'value1'] = study.objectives;
  const onFront = new Set(front.map((t) => t.number));
  const values = trials
    .filter((t) => t.state === 'COMPLETE' && (t.values?.length ?? 0) >= 2)
    .map((t) => ({ trial: t.number, a: t.values?.[0], b: t.values?.[1], front: onFront.has(t.number) ? 'Pareto front' : 'dominated' }));
  return {
    ...base(`${study.name}: ${first} against ${second}`),
    data: { values },
    mark: { type: 'point', filled: true },
    encoding: {
      x: { field: 'a', type: 'quantitative', title: first, scale: { zero: false } },
      y: { field: 'b', type: 'quantitative', title: second, scale: { zero: false } },
      color: { field: 'front', type: 'nominal', title: null, sort: ['Pareto front', 'dominated'] },
    },
  };
}
