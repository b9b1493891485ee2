import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { StudyDetail, Trial } from './api.js';
import { COLORS, followWidth, themeColor } from './chart.js';
import { formatValue } from './format.js';

const complete = (trials: readonly Trial[], objective: number) =>
  trials.filter((t) => t.state === 'COMPLETE' && Number.isFinite(t.values?.[objective]));

/** Each COMPLETE trial's first objective by trial number (points), and the best so far (a step line). */
export function HistoryChart({ study }: { study: StudyDetail }) {
  const box = useRef<HTMLDivElement>(null);
  const points = complete(study.trials, 0);
  const maximize = study.directions[0] === 'maximize';
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let best: number | undefined;
    const values = points.map((t) => t.values?.[0] as number);
    const bestSoFar = values.map((value) => {
      if (best === undefined || (maximize ? value > best : value < best)) best = value;
      return best;
    });
    const objective = study.objectives[0] ?? 'value';
    const plot = new uPlot(
      {
        title: `${objective} by trial`,
        width: Math.max(240, element.clientWidth),
        height: 240,
        scales: { x: { time: false } },
        axes: [
          { stroke: themeColor(), label: 'trial' },
          { stroke: themeColor(), label: objective },
        ],
        series: [
          { label: 'trial' },
          { label: objective, stroke: COLORS[0], paths: () => null, points: { show: true, size: 7, fill: COLORS[0] } },
          { label: 'best so far', stroke: COLORS[1], width: 2, paths: uPlot.paths.stepped?.({ align: 1 }) },
        ],
      },
      [points.map((t) => t.number), values, bestSoFar],
      element,
    );
    return followWidth(plot, element, 240);
  }, [study]);
  return <div class="chart" ref={box} data-chart="history" data-points={points.length} />;
}

const SIZE = { width: 480, height: 320, margin: 48 };

/**
 * The first two objectives of the COMPLETE trials, one point each, the Pareto front's points
 * filled and joined. Hand-drawn SVG: every label is a text node (escaped).
 */
export function ParetoScatter({ study }: { study: StudyDetail }) {
  const points = complete(study.trials, 0).filter((t) => Number.isFinite(t.values?.[1]));
  if (points.length === 0) return <p class="muted">No complete trial yet.</p>;
  const front = new Set(study.pareto);
  const scale = (objective: number, length: number, flip: boolean) => {
    const values = points.map((t) => t.values?.[objective] as number);
    const min = Math.min(...values);
    const span = Math.max(...values) - min || 1;
    return (value: number) => {
      const share = (value - min) / span;
      return SIZE.margin + (flip ? 1 - share : share) * (length - 2 * SIZE.margin);
    };
  };
  const x = scale(0, SIZE.width, false);
  const y = scale(1, SIZE.height, true);
  const at = (t: Trial) => [x(t.values?.[0] as number), y(t.values?.[1] as number)] as const;
  const line = points
    .filter((t) => front.has(t.number))
    .map(at)
    .sort((a, b) => a[0] - b[0])
    .map(([px, py]) => `${px},${py}`)
    .join(' ');
  const [first, second] = study.objectives;
  return (
    <svg class="pareto" viewBox={`0 0 ${SIZE.width} ${SIZE.height}`} role="img" aria-label="Pareto front" data-front={front.size}>
      <line
        class="axis"
        x1={SIZE.margin}
        y1={SIZE.height - SIZE.margin / 2}
        x2={SIZE.width - SIZE.margin / 2}
        y2={SIZE.height - SIZE.margin / 2}
      />
      <line class="axis" x1={SIZE.margin / 2} y1={SIZE.margin / 2} x2={SIZE.margin / 2} y2={SIZE.height - SIZE.margin / 2} />
      <text x={SIZE.width / 2} y={SIZE.height - 4} text-anchor="middle">
        {first} ({study.directions[0]})
      </text>
      <text x={12} y={SIZE.height / 2} text-anchor="middle" transform={`rotate(-90 12 ${SIZE.height / 2})`}>
        {second} ({study.directions[1]})
      </text>
      <polyline class="front" points={line} />
      {points.map((t) => {
        const [px, py] = at(t);
        return (
          <circle key={t.number} cx={px} cy={py} r={5} class={front.has(t.number) ? 'on-front' : 'dominated'} data-trial={t.number}>
            <title>
              trial {t.number}: {(t.values ?? []).map(formatValue).join(', ')}
            </title>
          </circle>
        );
      })}
    </svg>
  );
}
