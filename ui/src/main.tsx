import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { onLinkClick, useLocation } from './route.js';
import { CompareView } from './views/compare.js';
import { ExperimentView } from './views/experiment.js';
import { ExperimentsView } from './views/experiments.js';
import { GroupsView } from './views/groups.js';
import { LeaderboardView } from './views/leaderboard.js';
import { LineageView } from './views/lineage.js';
import { RunView } from './views/run.js';
import { RunsView } from './views/runs.js';
import { StudiesView } from './views/studies.js';
import { StudyView } from './views/study.js';

type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('labbook-theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function App() {
  const location = useLocation();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('labbook-theme', theme);
  }, [theme]);
  const run = /^\/runs\/(\d+)$/.exec(location.path);
  const experiment = /^\/experiments\/([^/]+)$/.exec(location.path);
  const study = /^\/studies\/([^/]+)$/.exec(location.path);
  const lineage = /^\/lineage\/([^/]+)$/.exec(location.path);
  let view = <ExperimentsView />;
  let title = 'Experiments';
  if (run) {
    view = <RunView id={Number(run[1])} />;
    title = `Run ${run[1]}`;
  } else if (location.path === '/runs') {
    view = <RunsView location={location} />;
    title = 'Runs';
  } else if (location.path === '/compare') {
    const a = Number(location.params.get('a'));
    const b = Number(location.params.get('b'));
    view = <CompareView a={a} b={b} />;
    title = `Compare ${a} and ${b}`;
  } else if (experiment) {
    const name = decodeURIComponent(experiment[1] as string);
    view = <ExperimentView name={name} />;
    title = name;
  } else if (location.path === '/groups') {
    view = <GroupsView location={location} />;
    title = 'Groups';
  } else if (location.path === '/studies') {
    view = <StudiesView />;
    title = 'Studies';
  } else if (study) {
    const name = decodeURIComponent(study[1] as string);
    view = <StudyView name={name} />;
    title = `Study ${name}`;
  } else if (lineage) {
    const ref = decodeURIComponent(lineage[1] as string);
    const depth = Number(location.params.get('depth')) || undefined;
    const direction = location.params.get('direction') === 'downstream' ? 'downstream' : 'upstream';
    view = <LineageView entityRef={ref} direction={direction} depth={depth} />;
    title = `Lineage of ${ref}`;
  } else if (location.path === '/leaderboard') {
    view = <LeaderboardView location={location} />;
    title = 'Leaderboard';
  }
  useEffect(() => {
    document.title = `${title} · labbook`;
  }, [title]);
  return (
    <>
      <header class="top">
        <a class="brand" href="/" onClick={onLinkClick}>
          labbook
        </a>
        <nav aria-label="views">
          <a href="/" onClick={onLinkClick} aria-current={location.path === '/' ? 'page' : undefined}>
            Experiments
          </a>
          <a href="/runs" onClick={onLinkClick} aria-current={location.path === '/runs' ? 'page' : undefined}>
            Runs
          </a>
          <a href="/studies" onClick={onLinkClick} aria-current={location.path.startsWith('/studies') ? 'page' : undefined}>
            Studies
          </a>
          <a href="/leaderboard" onClick={onLinkClick} aria-current={location.path === '/leaderboard' ? 'page' : undefined}>
            Leaderboard
          </a>
        </nav>
        <button type="button" class="theme" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label="switch theme">
          {theme === 'dark' ? '☀ light' : '☾ dark'}
        </button>
      </header>
      <main>{view}</main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
