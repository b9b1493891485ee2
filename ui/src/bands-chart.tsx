import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { Band } from './api.js';
import { align, COLORS, followWidth, themeColor } from './chart.js';
import { formatValue } from './format.js';

/**
 * Groups of runs as bands: each group's mean per step as a line, mean ± std as the shaded
 * band around it (uPlot's bands fill between two series).
 */
export function BandsChart({ title, by, groups }: { title: string; by: string; groups: readonly Band[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element || groups.length === 0) return;
    const lines = groups.flatMap((group) => [
      { label: '', xs: group.steps, ys: group.mean.map((m, i) => m + (group.std[i] ?? 0)) },
      { label: '', xs: group.steps, ys: group.mean },
      { label: '', xs: group.steps, ys: group.mean.map((m, i) => m - (group.std[i] ?? 0)) },
    ]);
    const series: uPlot.Series[] = [{ label: 'step' }];
    const bands: uPlot.Band[] = [];
    groups.forEach((group, g) => {
      const color = COLORS[g % COLORS.length] as string;
      const first = 1 + 3 * g;
      series.push(
        { label: `${labelOf(by, group)} + std`, stroke: color, width: 0, points: { show: false } },
        { label: labelOf(by, group), stroke: color, width: 1.5 },
        { label: `${labelOf(by, group)} − std`, stroke: color, width: 0, points: { show: false } },
      );
      bands.push({ series: [first, first + 2], fill: `${color}33` });
    });
    const plot = new uPlot(
      {
        title,
        width: Math.max(240, element.clientWidth),
        height: 260,
        scales: { x: { time: false } },
        axes: [{ stroke: themeColor(), label: 'step' }, { stroke: themeColor() }],
        series,
        bands,
        // Three series a group: the legend below names each group once.
        legend: { show: false },
      },
      align(lines),
      element,
    );
    return followWidth(plot, element, 260);
  }, [title, by, groups]);
  return (
    <figure class="bands-figure">
      <div class="chart bands" ref={box} data-bands={groups.length} />
      <figcaption>
        <ul class="legend">
          {groups.map((group, g) => (
            <li key={g}>
              <span class="swatch" style={{ background: COLORS[g % COLORS.length] }} />
              {labelOf(by, group)}, {group.runs.length} run{group.runs.length === 1 ? '' : 's'}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

function labelOf(by: string, group: Band): string {
  return `${by} = ${formatValue(group.value)}`;
}
