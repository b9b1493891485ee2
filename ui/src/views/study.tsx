import { useEffect, useState } from 'preact/hooks';
import { getJson, type StudyDetail } from '../api.js';
import { formatValue } from '../format.js';
import { onLinkClick } from '../route.js';
import { HistoryChart, ParetoScatter } from '../study-charts.js';
import { ErrorBox } from './error-box.js';

/** A study: its optimisation history with the best so far, its Pareto front (several objectives), its trials. */
export function StudyView({ name }: { name: string }) {
  const [study, setStudy] = useState<StudyDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setStudy(null);
    void getJson<StudyDetail>(`/studies/${encodeURIComponent(name)}`).then(setStudy, setError);
  }, [name]);
  if (error) return <ErrorBox error={error} />;
  if (!study) return <p class="muted">Loading…</p>;
  const parameters = [...new Set(study.trials.flatMap((t) => Object.keys(t.params)))].sort();
  const front = new Set(study.pareto);
  const best = study.trials.find((t) => t.number === study.best);
  return (
    <article class="study">
      <h2>Study {study.name}</h2>
      <p class="muted">
        {study.objectives.map((objective, i) => `${study.directions[i]} ${objective}`).join(', ')} · sampler {study.sampler.name} ·{' '}
        {study.trials.length} trials
        {best && ` · best: trial ${best.number}, ${formatValue(best.values?.[0])}`}
      </p>
      <div class="charts">
        <HistoryChart study={study} />
        {study.directions.length > 1 && (
          <figure class="pareto-figure">
            <ParetoScatter study={study} />
            <figcaption class="muted">Pareto front: {study.pareto.length} trials no other beats on every objective</figcaption>
          </figure>
        )}
      </div>
      <table class="grid trials">
        <thead>
          <tr>
            <th scope="col" class="num">
              trial
            </th>
            <th scope="col">state</th>
            {study.objectives.map((objective) => (
              <th scope="col" class="num" key={objective}>
                {objective}
              </th>
            ))}
            {parameters.map((parameter) => (
              <th scope="col" key={parameter}>
                {parameter}
              </th>
            ))}
            <th scope="col">run</th>
          </tr>
        </thead>
        <tbody>
          {study.trials.map((trial) => (
            <tr
              key={trial.number}
              data-trial={trial.number}
              class={trial.number === study.best || (study.directions.length > 1 && front.has(trial.number)) ? 'best' : ''}
            >
              <th scope="row" class="num">
                {trial.number}
              </th>
              <td class={`state-${trial.state === 'COMPLETE' ? 'COMPLETED' : trial.state}`}>{trial.state.toLowerCase()}</td>
              {study.objectives.map((objective, i) => (
                <td class="num" key={objective}>
                  {formatValue(trial.values?.[i])}
                </td>
              ))}
              {parameters.map((parameter) => (
                <td key={parameter}>{formatValue(trial.params[parameter])}</td>
              ))}
              <td>
                <a href={`/runs/${trial.run}`} onClick={onLinkClick}>
                  {trial.run}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
