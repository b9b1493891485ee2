import { useEffect, useState } from 'preact/hooks';
import { type BoardEntry, getJson, type Leaderboard } from '../api.js';
import { formatValue } from '../format.js';
import { type Location, navigate, onLinkClick } from '../route.js';
import { ErrorBox } from './error-box.js';
import { lineageHref } from './lineage.js';

function leaderboardHref(filter: string, dataset: string): string {
  const params = new URLSearchParams([...(filter ? [['filter', filter]] : []), ...(dataset ? [['dataset', dataset]] : [])]);
  const search = params.toString();
  return `/leaderboard${search ? `?${search}` : ''}`;
}

/** The model of a result, a link to the run that trained it when there is one, and to its evaluation's lineage. */
function ModelCells({ entry }: { entry: BoardEntry }) {
  const model = `${entry.model.name}${entry.model.version ? `@${entry.model.version}` : ''}`;
  return (
    <>
      <th scope="row">
        <a href={lineageHref(entry.evaluations[0] ?? entry.model.uid)} onClick={onLinkClick} title="lineage of this evaluation">
          {model}
        </a>
        {entry.model.run !== undefined && (
          <>
            {' '}
            <a href={`/runs/${entry.model.run}`} onClick={onLinkClick} class="muted">
              run {entry.model.run}
            </a>
          </>
        )}
      </th>
      <td class="num">{formatValue(entry.value)}</td>
    </>
  );
}

/**
 * A leaderboard (`labbook leaderboard`): the evaluations an entity filter selects, the
 * comparable ones ranked, every other listed with why it cannot be ranked with them.
 */
export function LeaderboardView({ location }: { location: Location }) {
  const filter = location.params.get('filter') ?? '';
  const dataset = location.params.get('dataset') ?? '';
  const [board, setBoard] = useState<Leaderboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState(filter);
  useEffect(() => {
    setDraft(filter);
    setBoard(null);
    setError(null);
    void getJson<Leaderboard>('/leaderboard', { filter, dataset }).then(setBoard, setError);
  }, [filter, dataset]);
  return (
    <article class="leaderboard">
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(leaderboardHref(draft.trim(), dataset));
        }}
      >
        <input
          class="query"
          aria-label="entity filter"
          placeholder="task=digits metric=accuracy"
          value={draft}
          onInput={(event) => setDraft((event.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit">Rank</button>
      </form>
      {error ? (
        <ErrorBox error={error} />
      ) : !board ? (
        <p class="muted">Loading…</p>
      ) : board.on === null ? (
        <p class="muted">No evaluation selected: record some with labbook.record_evaluation, or widen the filter.</p>
      ) : (
        <>
          <h2>Ranked on {board.on}</h2>
          <table class="grid ranked">
            <thead>
              <tr>
                <th scope="col" class="num">
                  rank
                </th>
                <th scope="col">model</th>
                <th scope="col" class="num">
                  {board.ranked[0]?.metric.name ?? 'value'}
                </th>
              </tr>
            </thead>
            <tbody>
              {board.ranked.map((entry) => (
                <tr key={entry.evaluations.join()} data-rank={entry.rank}>
                  <td class="num">{entry.rank}</td>
                  <ModelCells entry={entry} />
                </tr>
              ))}
            </tbody>
          </table>
          {board.incomparable.length > 0 && (
            <section>
              <h3>Not comparable</h3>
              <table class="grid incomparable">
                <thead>
                  <tr>
                    <th scope="col">model</th>
                    <th scope="col" class="num">
                      value
                    </th>
                    <th scope="col">on</th>
                    <th scope="col">why not ranked</th>
                  </tr>
                </thead>
                <tbody>
                  {board.incomparable.map((entry) => (
                    <tr key={entry.evaluations.join()} class="incomparable" data-incomparable={entry.model.name}>
                      <ModelCells entry={entry} />
                      <td>{entry.on}</td>
                      <td class="reason">⚠ {entry.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
    </article>
  );
}
