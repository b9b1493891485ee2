import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { onLinkClick, useLocation } from './route.js';
import { CompareView } from './views/compare.js';
import { ExperimentView } from './views/experiment.js';
import { ExperimentsView } from './views/experiments.js';
import { GroupsView } from './views/groups.js';
import { RunView } from './views/run.js';
import { RunsView } from './views/runs.js';

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
