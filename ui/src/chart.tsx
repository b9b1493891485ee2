import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  /** x: the step (or the index of a point without one). */
  xs: number[];
  ys: Array<number | null>;
}

export const COLORS = ['#2f6fdf', '#e0662a', '#2a9d5b', '#b23bb8', '#c9a227', '#6b7280'];

/** Several series on one x axis: the union of their xs, with gaps where a series has no point. */
export function align(series: readonly Series[]): uPlot.AlignedData {
  if (series.length === 1) return [series[0]!.xs, series[0]!.ys] as uPlot.AlignedData;
  const xs = [...new Set(series.flatMap((s) => s.xs))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const ys: Array<number | null> = new Array(xs.length).fill(null);
    s.xs.forEach((x, i) => {
      ys[index.get(x) as number] = s.ys[i] ?? null;
    });
    return ys;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/** A uPlot chart that follows its data: new points are drawn without rebuilding the chart. */
export function Chart({ title, series }: { title: string; series: readonly Series[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('\u0000');
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const options: uPlot.Options = {
      title,
      width: Math.max(240, element.clientWidth),
      height: 220,
      scales: { x: { time: false } },
      // Canvas text has no currentColor: the theme's colour is read when the chart is drawn.
      axes: [{ stroke: themeColor(), label: 'step' }, { stroke: themeColor() }],
      series: [
        { label: 'step' },
        ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true })),
      ],
    };
    plot.current = new uPlot(options, align(series), element);
    const stop = followWidth(plot.current, element, 220);
    return () => {
      stop();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change identity; new points go through setData.
  }, [title, labels]);
  useEffect(() => {
    plot.current?.setData(align(series));
  }, [series]);
  return <div class="chart" ref={box} data-chart={title} data-points={series.reduce((n, s) => n + s.xs.length, 0)} />;
}

/** Keeps `plot` as wide as `element` (at least 240 px) at `height`; returns what disconnects and destroys it. */
export function followWidth(plot: uPlot, element: HTMLElement, height: number): () => void {
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, element.clientWidth), height }));
  resize.observe(element);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}

export function themeColor(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#6b7280';
}

/** Points of a series as the chart takes them. */
export function toSeries(label: string, points: ReadonlyArray<{ step: number | null; value: number | null }>): Series {
  return { label, xs: points.map((p, i) => p.step ?? i), ys: points.map((p) => p.value) };
}
