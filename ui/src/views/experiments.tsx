import { useEffect, useRef, useState } from 'preact/hooks';
import { type Experiment, getJson, RUN_STATES } from '../api.js';
import { listen } from '../live.js';
import { onLinkClick } from '../route.js';
import { ErrorBox } from './error-box.js';

/** Experiments with their runs counted by state, kept current by the event stream. */
export function ExperimentsView() {
  const [experiments, setExperiments] = useState<Experiment[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef<Experiment[] | null>(null);
  latest.current = experiments;
  useEffect(() => {
    const load = () => getJson<Experiment[]>('/experiments').then(setExperiments, setError);
    void load();
    // Counts follow each event at once; a read shortly after a burst settles them exactly
    // (events that crossed the first read would otherwise count twice).
    let settle: ReturnType<typeof setTimeout> | undefined;
    const stop = listen({
      run: (event) => {
        clearTimeout(settle);
        settle = setTimeout(load, 700);
        if (!latest.current?.some((e) => e.name === event.experiment)) return;
        setExperiments((list) =>
          (list ?? []).map((e) => {
            if (e.name !== event.experiment) return e;
            const counts = { ...e.counts };
            if (event.fromState) counts[event.fromState]--;
            else counts.total++;
            counts[event.toState]++;
            return { ...e, counts };
          }),
        );
      },
    });
    return () => {
      clearTimeout(settle);
      stop();
    };
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!experiments) return <p class="muted">Loading…</p>;
  if (experiments.length === 0) return <p class="muted">No experiments yet: add one with labbook add SPEC.</p>;
  return (
    <table class="grid experiments">
      <thead>
        <tr>
          <th scope="col">experiment</th>
          {RUN_STATES.map((state) => (
            <th scope="col" key={state} class="num">
              {state.toLowerCase()}
            </th>
          ))}
          <th scope="col" class="num">
            total
          </th>
          <th scope="col">progress</th>
          <th scope="col">
            <span class="visually-hidden">details</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {experiments.map((e) => {
          const done = e.counts.COMPLETED + e.counts.FAILED + e.counts.CANCELLED;
          return (
            <tr key={e.name} data-experiment={e.name}>
              <th scope="row">
                <a href={`/runs?experiments=${encodeURIComponent(e.name)}`} onClick={onLinkClick}>
                  {e.name}
                </a>
              </th>
              {RUN_STATES.map((state) => (
                <td key={state} class={`num state-${state}`} data-count={state}>
                  {e.counts[state]}
                </td>
              ))}
              <td class="num" data-count="total">
                {e.counts.total}
              </td>
              <td>
                <progress max={e.counts.total || 1} value={done} aria-label={`${done} of ${e.counts.total} done`} />
              </td>
              <td>
                <a href={`/experiments/${encodeURIComponent(e.name)}`} onClick={onLinkClick} aria-label={`details of ${e.name}`}>
                  details
                </a>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
