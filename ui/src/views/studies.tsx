import { useEffect, useState } from 'preact/hooks';
import { getJson, type Study } from '../api.js';
import { formatTime } from '../format.js';
import { onLinkClick } from '../route.js';
import { ErrorBox } from './error-box.js';

/** The studies (hyper-parameter searches), each a link to its view. */
export function StudiesView() {
  const [studies, setStudies] = useState<Study[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void getJson<Study[]>('/studies').then(setStudies, setError);
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!studies) return <p class="muted">Loading…</p>;
  if (studies.length === 0) return <p class="muted">No studies yet: start one with labbook tune SPEC.</p>;
  return (
    <table class="grid studies">
      <thead>
        <tr>
          <th scope="col">study</th>
          <th scope="col">objectives</th>
          <th scope="col">sampler</th>
          <th scope="col">experiment</th>
          <th scope="col">created</th>
        </tr>
      </thead>
      <tbody>
        {studies.map((study) => (
          <tr key={study.name} data-study={study.name}>
            <th scope="row">
              <a href={`/studies/${encodeURIComponent(study.name)}`} onClick={onLinkClick}>
                {study.name}
              </a>
            </th>
            <td>{study.objectives.map((objective, i) => `${objective} (${study.directions[i]})`).join(', ')}</td>
            <td>{study.sampler.name}</td>
            <td>
              <a href={`/runs?experiments=${encodeURIComponent(study.experiment)}`} onClick={onLinkClick}>
                {study.experiment}
              </a>
            </td>
            <td>{formatTime(study.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
