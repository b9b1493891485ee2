import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, postJson, type RunDetail, type SeriesPoint } from '../api.js';
import { Chart, type Series, toSeries } from '../chart.js';
import { formatDuration, formatTime, formatValue } from '../format.js';
import { listen } from '../live.js';
import { ArtifactItem } from './artifact-item.js';
import { ErrorBox } from './error-box.js';
import { LogTail } from './log-tail.js';

/** Charts drawn at once; a run with more metrics lists the rest by summary. */
const MAX_CHARTS = 12;
/** Artifacts previewed at once (images, tables' first rows); the others are download links. */
const MAX_PREVIEWS = 20;
const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** One run: its parameters, metrics (charts that follow new points), logs, artifacts, environment, history. */
export function RunView({ id }: { id: number }) {
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [series, setSeries] = useState<Record<string, Series>>({});
  const [error, setError] = useState<unknown>(null);
  const charted = useRef(new Set<string>());
  useEffect(() => {
    const load = () => getJson<RunDetail>(`/runs/${id}`).then(setDetail, setError);
    void load();
    return listen({
      run: (event) => {
        if (event.runId === id) void load();
      },
      metrics: (points) => {
        const mine = points.filter((p) => p.runId === id);
        if (mine.length === 0) return;
        setSeries((old) => {
          const next = { ...old };
          for (const p of mine) {
            const s = next[p.key];
            if (!s) continue; // a new key: the next detail read charts it
            next[p.key] = { ...s, xs: [...s.xs, p.step ?? s.xs.length], ys: [...s.ys, p.value] };
          }
          return next;
        });
        if (mine.some((p) => !charted.current.has(p.key))) void load();
      },
    });
  }, [id]);
  const keys = detail?.metrics.map((m) => m.key).slice(0, MAX_CHARTS) ?? [];
  useEffect(() => {
    for (const key of keys) {
      if (charted.current.has(key)) continue;
      charted.current.add(key);
      void getJson<{ points: SeriesPoint[] }>(`/runs/${id}/series`, { key, maxPoints: 2000 }).then((answer) =>
        setSeries((old) => ({ ...old, [key]: toSeries(key, answer.points) })),
      );
    }
  }, [keys.join('\u0000')]);

  if (error) return <ErrorBox error={error} />;
  if (!detail) return <p class="muted">Loading…</p>;
  const { run } = detail;
  const running = !TERMINAL.includes(run.state);
  return (
    <article class="run">
      <header>
        <h2>
          Run {run.id} <span class={`badge state-${run.state}`}>{run.state}</span>
        </h2>
        <p class="muted">
          {run.experiment} · attempt {run.attempt} · started {formatTime(run.startedAt)} · took{' '}
          {formatDuration(run.startedAt, run.finishedAt)} · <code>{run.hash.slice(0, 12)}</code>
        </p>
        {running && (
          <button type="button" onClick={() => void postJson('/runs/cancel', { ids: [run.id] }).catch(setError)}>
            Cancel run
          </button>
        )}
      </header>
      <section>
        <h3>Parameters</h3>
        <KeyValues value={run.params} />
        {run.result !== null && (
          <>
            <h3>Result</h3>
            <KeyValues value={run.result} />
          </>
        )}
        {run.error && (
          <>
            <h3>Error</h3>
            <pre class="error-text">{run.error}</pre>
          </>
        )}
      </section>
      <section>
        <h3>Metrics</h3>
        {detail.metrics.length === 0 && <p class="muted">No metrics logged.</p>}
        <div class="charts">
          {keys.map((key) =>
            series[key] ? (
              <Chart key={key} title={key} series={[series[key]]} />
            ) : (
              <div key={key} class="chart muted">
                {key}…
              </div>
            ),
          )}
        </div>
        {detail.metrics.length > MAX_CHARTS && <p class="muted">{detail.metrics.length - MAX_CHARTS} more metrics not charted.</p>}
      </section>
      <section>
        <h3>Logs</h3>
        <LogTail id={run.id} stream="stdout" following={running} />
        <LogTail id={run.id} stream="stderr" following={running} />
      </section>
      <section>
        <h3>Artifacts</h3>
        {detail.artifacts.length === 0 && <p class="muted">No artifacts.</p>}
        <ul class="artifacts">
          {detail.artifacts.map((artifact, i) => (
            <ArtifactItem key={artifact.name} runId={run.id} artifact={artifact} preview={i < MAX_PREVIEWS} />
          ))}
        </ul>
      </section>
      <section>
        <h3>Environment</h3>
        {detail.environment === null ? <p class="muted">Not recorded.</p> : <pre>{JSON.stringify(detail.environment, null, 2)}</pre>}
      </section>
      <section>
        <h3>History</h3>
        <table class="grid">
          <tbody>
            {detail.events.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.at)}</td>
                <td>
                  {e.fromState ?? '–'} → {e.toState}
                </td>
                <td>attempt {e.attempt}</td>
                <td>{e.workerId ?? ''}</td>
                <td>{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}

export function KeyValues({ value }: { value: unknown }) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return <pre>{formatValue(value)}</pre>;
  return (
    <table class="grid kv">
      <tbody>
        {Object.entries(value as Record<string, unknown>).map(([key, item]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{formatValue(item)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
