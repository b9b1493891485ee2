import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson, type KeyCatalog, type Run, type RunPage } from '../api.js';
import { formatDuration, formatTime, formatValue, valueAt } from '../format.js';
import { useRunChanges } from '../live.js';
import { type Location, navigate, onLinkClick, selectionParams } from '../route.js';
import { ErrorBox } from './error-box.js';
import { useRowKeys } from './row-keys.js';

const ROW_HEIGHT = 28;
const PAGE_ROWS = 200;
/** Columns every run has; the others are chosen among the parameters and metrics. */
const FIXED = ['id', 'experiment', 'state', 'started', 'duration'] as const;

interface Column {
  key: string;
  label: string;
  cell(run: Run): string;
}

function fixedColumn(key: (typeof FIXED)[number]): Column {
  const cells: Record<(typeof FIXED)[number], (run: Run) => string> = {
    id: (run) => String(run.id),
    experiment: (run) => run.experiment,
    state: (run) => run.state,
    started: (run) => formatTime(run.startedAt),
    duration: (run) => formatDuration(run.startedAt, run.finishedAt),
  };
  return { key, label: key, cell: cells[key] };
}

function chosenColumn(key: string): Column {
  if (key.startsWith('metrics.')) {
    const metric = key.slice('metrics.'.length);
    return { key, label: metric, cell: (run) => formatValue(run.metrics[metric]?.last) };
  }
  return { key, label: key, cell: (run) => formatValue(valueAt(run.params, key)) };
}

/** The runs of the URL's selection in a table that scrolls through all of them, 200 rows read at a time. */
export function RunsView({ location }: { location: Location }) {
  const params = location.params;
  const experiments = params.getAll('experiments');
  const query = params.get('query') ?? '';
  const sort = params.get('sort') ?? 'id';
  const descending = params.get('desc') === '1';
  const [draft, setDraft] = useState(query);
  const [catalog, setCatalog] = useState<KeyCatalog | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const pages = useRef(new Map<number, { version: number; runs: Run[] }>());
  const [, redraw] = useState(0);
  const version = useRunChanges(500);
  const [error, setError] = useState<unknown>(null);
  const [range, setRange] = useState({ first: 0, last: 40 });
  const [picked, setPicked] = useState<number[]>([]);
  const scroller = useRef<HTMLTableSectionElement>(null);
  const queryBox = useRef<HTMLInputElement>(null);
  const selection = JSON.stringify([experiments, query, sort, descending]);

  useEffect(() => setDraft(query), [query]);

  const chosen = params.get('cols');
  const columnKeys = chosen !== null ? chosen.split(',').filter(Boolean) : defaultColumns(catalog);
  const columns = useMemo(() => [...FIXED.map(fixedColumn), ...columnKeys.map(chosenColumn)], [columnKeys.join(',')]);

  // A new selection starts from the top; a live change re-reads the rows in view.
  useEffect(() => {
    pages.current = new Map();
    setTotal(null);
    setError(null);
    scroller.current?.scrollTo({ top: 0 });
  }, [selection]);
  useEffect(() => {
    const controller = new AbortController();
    const wanted = new Set([Math.floor(range.first / PAGE_ROWS), Math.floor(range.last / PAGE_ROWS)]);
    for (const page of wanted) {
      if (pages.current.get(page)?.version === version) continue;
      const store = pages.current;
      getJson<RunPage>(
        '/runs',
        { experiments, query, sort, descending, limit: PAGE_ROWS, offset: page * PAGE_ROWS },
        controller.signal,
      ).then(
        (answer) => {
          store.set(page, { version, runs: answer.runs });
          setTotal(answer.total);
          redraw((n) => n + 1);
        },
        (reason: unknown) => {
          if (!controller.signal.aborted) setError(reason);
        },
      );
    }
    return () => controller.abort();
  }, [selection, range.first, range.last, version]);
  // Asked for after the rows (effects run in order): the engine answers one at a time, and the rows are what a reader waits for.
  useEffect(() => {
    void getJson<KeyCatalog>('/keys', { experiments }).then(setCatalog, () => setCatalog(null));
  }, [experiments.join('\u0000')]);

  useEffect(() => {
    const focusQuery = (event: KeyboardEvent) => {
      if (event.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        event.preventDefault();
        queryBox.current?.focus();
      }
    };
    window.addEventListener('keydown', focusQuery);
    return () => window.removeEventListener('keydown', focusQuery);
  }, []);

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    }
    navigate(`/runs?${next}`);
  };
  const sortBy = (key: string) =>
    update({ sort: key === 'id' && sort === 'id' && !descending ? null : key, desc: sort === key && !descending ? '1' : null });
  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const first = Math.floor(element.scrollTop / ROW_HEIGHT);
    setRange({ first, last: first + Math.ceil(element.clientHeight / ROW_HEIGHT) + 5 });
  };
  const rows: Array<{ index: number; run: Run | undefined }> = [];
  for (let index = range.first; index <= Math.min(range.last, (total ?? 0) - 1); index++) {
    rows.push({ index, run: pages.current.get(Math.floor(index / PAGE_ROWS))?.runs[index % PAGE_ROWS] });
  }
  const template = `2.2rem repeat(${columns.length}, minmax(7rem, 1fr))`;
  const togglePick = (id: number) => setPicked((old) => (old.includes(id) ? old.filter((x) => x !== id) : [...old.slice(-1), id]));
  const current = useRowKeys({
    total: total ?? 0,
    rowHeight: ROW_HEIGHT,
    scroller,
    rowAt: (index) => pages.current.get(Math.floor(index / PAGE_ROWS))?.runs[index % PAGE_ROWS],
    open: (run) => navigate(`/runs/${run.id}`),
    pick: (run) => togglePick(run.id),
  });

  return (
    <section class="runs">
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          update({ query: draft.trim() || null });
        }}
      >
        <input
          ref={queryBox}
          class="query"
          name="query"
          aria-label="query"
          placeholder={'query, e.g. lr < 0.1 & model == "svc"   (/ to focus, Enter to apply; ↓ ↑ rows, Enter opens, x picks)'}
          value={draft}
          onInput={(event) => setDraft((event.currentTarget as HTMLInputElement).value)}
        />
        <ColumnChooser catalog={catalog} chosen={columnKeys} onChange={(keys) => update({ cols: keys.join(',') })} />
        <button
          type="button"
          disabled={picked.length !== 2}
          onClick={() => navigate(`/compare?a=${picked[0]}&b=${picked[1]}`)}
          title="tick two runs to compare them"
        >
          Compare {picked.length}/2
        </button>
        <a href={`/groups?${selectionParams(experiments, query)}`} onClick={onLinkClick}>
          Groups: bands and parallel coordinates
        </a>
        <span class="muted" data-total={total ?? ''}>
          {total === null ? '' : `${total} run${total === 1 ? '' : 's'}`}
        </span>
      </form>
      {error !== null && <ErrorBox error={error} />}
      <table class="table" aria-rowcount={total ?? 0}>
        <thead>
          <tr class="row head" style={{ gridTemplateColumns: template }}>
            <th scope="col" />
            {columns.map((column) => (
              <th scope="col" key={column.key} aria-sort={sort === column.key ? (descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" onClick={() => sortBy(column.key)}>
                  {column.label}
                  {sort === column.key ? (descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        {/* Only the rows in view are in the page, placed where they would be; the spacer gives the scroll its height. */}
        <tbody class="scroller" ref={scroller} onScroll={onScroll}>
          <tr class="spacer" style={{ height: `${(total ?? 0) * ROW_HEIGHT}px` }} />
          {rows.map(({ index, run }) => (
            <tr
              class={`row ${run ? `state-${run.state}` : 'loading'}${index === current ? ' current' : ''}`}
              key={index}
              aria-rowindex={index + 1}
              aria-selected={index === current}
              style={{ top: `${index * ROW_HEIGHT}px`, gridTemplateColumns: template }}
            >
              <td>
                {run && (
                  <input
                    type="checkbox"
                    aria-label={`pick run ${run.id}`}
                    checked={picked.includes(run.id)}
                    onChange={() => togglePick(run.id)}
                  />
                )}
              </td>
              {columns.map((column, i) => (
                <td key={column.key} title={run ? column.cell(run) : ''}>
                  {!run ? (
                    ''
                  ) : i === 0 ? (
                    <a href={`/runs/${run.id}`} onClick={onLinkClick}>
                      {run.id}
                    </a>
                  ) : (
                    column.cell(run)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function defaultColumns(catalog: KeyCatalog | null): string[] {
  if (!catalog) return [];
  return [...catalog.params.slice(0, 6), ...catalog.metrics.slice(0, 3).map((key) => `metrics.${key}`)];
}

function ColumnChooser({ catalog, chosen, onChange }: { catalog: KeyCatalog | null; chosen: string[]; onChange(keys: string[]): void }) {
  if (!catalog) return null;
  const keys = [...catalog.params, ...catalog.metrics.map((key) => `metrics.${key}`)];
  return (
    <details class="columns">
      <summary>Columns</summary>
      <fieldset>
        <legend>Parameters and metrics</legend>
        {keys.map((key) => (
          <label key={key}>
            <input
              type="checkbox"
              checked={chosen.includes(key)}
              onChange={(event) =>
                onChange((event.currentTarget as HTMLInputElement).checked ? [...chosen, key] : chosen.filter((k) => k !== key))
              }
            />
            {key}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
