import { useEffect, useState } from 'preact/hooks';

/**
 * The view is in the URL (shareable, and the back button works): `/` experiments,
 * `/runs?query=…&sort=…&cols=…`, `/runs/ID`, `/compare?a=…&b=…`, `/groups?query=…&metric=…&by=…&axes=…`,
 * `/experiments/NAME`, `/studies`, `/studies/NAME`, `/lineage/REF?direction=…&depth=…`,
 * `/leaderboard?filter=…&dataset=…`.
 */
export interface Location {
  path: string;
  params: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

const subscribers = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const notify of subscribers) notify();
});

export function navigate(href: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  for (const notify of subscribers) notify();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const notify = () => setLocation(current());
    subscribers.add(notify);
    return () => {
      subscribers.delete(notify);
    };
  }, []);
  return location;
}

/** The URL params of a selection of runs, as the runs and groups views share it. */
export function selectionParams(experiments: readonly string[], query: string): URLSearchParams {
  return new URLSearchParams([...experiments.map((e) => ['experiments', e]), ...(query ? [['query', query]] : [])]);
}

/** A link that changes the view without reloading the page (a modified click still opens a tab). */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.currentTarget as HTMLAnchorElement | null) ?? undefined;
  if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href') ?? '/');
}
