import { useEffect, useState } from 'preact/hooks';
import { type Comparison, type Difference, getJson, type SeriesPoint } from '../api.js';
import { Chart, type Series, toSeries } from '../chart.js';
import { formatValue } from '../format.js';
import { onLinkClick } from '../route.js';
import { ErrorBox } from './error-box.js';

/** Two runs: their metrics overlaid, their parameters and environments side by side. */
export function CompareView({ a, b }: { a: number; b: number }) {
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [curves, setCurves] = useState<Record<string, Series[]>>({});
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void getJson<Comparison>('/compare', { a, b }).then(setComparison, setError);
  }, [a, b]);
  useEffect(() => {
    for (const { key, a: left, b: right } of comparison?.metrics ?? []) {
      if (left === undefined || right === undefined) continue;
      const read = (id: number) => getJson<{ points: SeriesPoint[] }>(`/runs/${id}/series`, { key, maxPoints: 2000 });
      void Promise.all([read(a), read(b)]).then(([one, two]) =>
        setCurves((old) => ({ ...old, [key]: [toSeries(`run ${a}`, one.points), toSeries(`run ${b}`, two.points)] })),
      );
    }
  }, [comparison]);
  if (error) return <ErrorBox error={error} />;
  if (!comparison) return <p class="muted">Loading…</p>;
  return (
    <article class="compare">
      <h2>
        Run{' '}
        <a href={`/runs/${a}`} onClick={onLinkClick}>
          {a}
        </a>{' '}
        and run{' '}
        <a href={`/runs/${b}`} onClick={onLinkClick}>
          {b}
        </a>
      </h2>
      <div class="charts">
        {Object.entries(curves).map(([key, series]) => (
          <Chart key={key} title={key} series={series} />
        ))}
      </div>
      <label>
        <input type="checkbox" checked={onlyDifferences} onChange={() => setOnlyDifferences(!onlyDifferences)} /> only differences
      </label>
      <DiffTable title="Parameters" rows={comparison.params} a={a} b={b} only={onlyDifferences} />
      <DiffTable title="Final metrics" rows={comparison.metrics} a={a} b={b} only={onlyDifferences} />
      <DiffTable title="Environment" rows={comparison.environment} a={a} b={b} only={onlyDifferences} />
    </article>
  );
}

function DiffTable({ title, rows, a, b, only }: { title: string; rows: Difference[]; a: number; b: number; only: boolean }) {
  const shown = only ? rows.filter((row) => !row.same) : rows;
  return (
    <section>
      <h3>{title}</h3>
      {shown.length === 0 ? (
        <p class="muted">{rows.length === 0 ? 'None recorded.' : 'The same in both.'}</p>
      ) : (
        <table class="grid diff" data-diff={title}>
          <thead>
            <tr>
              <th scope="col">key</th>
              <th scope="col">run {a}</th>
              <th scope="col">run {b}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.key} class={row.same ? '' : 'differs'}>
                <th scope="row">{row.key}</th>
                <td>{formatValue(row.a)}</td>
                <td>{formatValue(row.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
