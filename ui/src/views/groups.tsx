import { useEffect, useState } from 'preact/hooks';
import { type Bands, getJson, type KeyCatalog, type RunPage } from '../api.js';
import { BandsChart } from '../bands-chart.js';
import { useRunChanges } from '../live.js';
import { ParallelCoordinates } from '../parallel-coordinates.js';
import { type Location, navigate, onLinkClick, selectionParams } from '../route.js';
import { ErrorBox } from './error-box.js';

/** Runs drawn in the parallel coordinates: the first page of the selection. */
const MAX_LINES = 1000;

/**
 * The runs of the runs view's selection (experiments, query) compared as groups: a metric's
 * mean ± std by step for each value of a parameter, and parallel coordinates of the
 * parameters → the metric. The URL holds the selection and the choices.
 */
export function GroupsView({ location }: { location: Location }) {
  const params = location.params;
  const experiments = params.getAll('experiments');
  const query = params.get('query') ?? '';
  const selection = { experiments, query };
  const [catalog, setCatalog] = useState<KeyCatalog | null>(null);
  const [bands, setBands] = useState<Bands | null>(null);
  const [page, setPage] = useState<RunPage | null>(null);
  const version = useRunChanges(1000);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify(selection);

  useEffect(() => {
    setCatalog(null);
    void getJson<KeyCatalog>('/keys', selection).then(setCatalog, setError);
  }, [key]);
  const metric = params.get('metric') || catalog?.metrics[0] || '';
  const by = params.get('by') || catalog?.params[0] || '';
  const axesParam = params.get('axes');
  const axes = axesParam !== null ? axesParam.split(',').filter(Boolean) : (catalog?.params.slice(0, 6) ?? []);

  useEffect(() => {
    if (!metric || !by) return;
    setError(null);
    void getJson<Bands>('/bands', { ...selection, key: metric, by }).then(setBands, setError);
  }, [key, metric, by, version]);
  useEffect(() => {
    void getJson<RunPage>('/runs', { ...selection, limit: MAX_LINES }).then(setPage, setError);
  }, [key, version]);

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) next.set(name, value);
    navigate(`/groups?${next}`, true);
  };
  const runsHref = `/runs?${selectionParams(experiments, query)}`;

  if (catalog && catalog.metrics.length === 0) return <p class="muted">The runs selected have logged no metric yet.</p>;
  return (
    <section class="groups">
      <div class="toolbar">
        <a href={runsHref} onClick={onLinkClick}>
          ← runs{query ? ` where ${query}` : ''}
        </a>
        <Choice label="metric" value={metric} options={catalog?.metrics ?? []} onChange={(value) => update({ metric: value })} />
        <Choice label="group by" value={by} options={catalog?.params ?? []} onChange={(value) => update({ by: value })} />
      </div>
      {error !== null && <ErrorBox error={error} />}
      <h3>
        {metric} by step, mean ± std for each {by}
      </h3>
      {bands && <BandsChart title={metric} by={by} groups={bands.groups} />}
      {bands?.truncated && <p class="muted">Bands over the first runs of the selection only; narrow the query to see them all.</p>}
      <h3>Parameters → {metric}</h3>
      <fieldset class="axes">
        <legend>axes</legend>
        {catalog?.params.map((p) => (
          <label key={p}>
            <input
              type="checkbox"
              checked={axes.includes(p)}
              onChange={(event) =>
                update({ axes: ((event.currentTarget as HTMLInputElement).checked ? [...axes, p] : axes.filter((a) => a !== p)).join(',') })
              }
            />
            {p}
          </label>
        ))}
      </fieldset>
      {page && metric && <ParallelCoordinates runs={page.runs} params={axes} metric={metric} />}
      {page && page.total > page.runs.length && (
        <p class="muted">
          The first {page.runs.length} of {page.total} runs.
        </p>
      )}
    </section>
  );
}

function Choice({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange(value: string): void;
}) {
  return (
    <label>
      {label}{' '}
      <select aria-label={label} value={value} onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
