import { useEffect, useState } from 'preact/hooks';
import type { RunState } from './api.js';

/** A state change, as the server's event stream sends it. */
export interface RunEvent {
  id: number;
  runId: number;
  experiment: string;
  fromState: RunState | null;
  toState: RunState;
  at: number;
}

export interface MetricEvent {
  runId: number;
  key: string;
  step: number | null;
  value: number | null;
  at: number;
}

type Listener = { run?: (event: RunEvent) => void; metrics?: (points: MetricEvent[]) => void };

/**
 * One event stream for the whole page, shared by the views that listen. The browser's
 * EventSource reconnects by itself and sends Last-Event-ID, so nothing is lost meanwhile.
 */
const listeners = new Set<Listener>();
let source: EventSource | undefined;

export function listen(listener: Listener): () => void {
  listeners.add(listener);
  if (!source) {
    source = new EventSource('/api/events');
    source.addEventListener('run', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as RunEvent;
      for (const l of listeners) l.run?.(event);
    });
    source.addEventListener('metrics', (message) => {
      const points = JSON.parse((message as MessageEvent<string>).data) as MetricEvent[];
      for (const l of listeners) l.metrics?.(points);
    });
  }
  return () => {
    listeners.delete(listener);
  };
}

/** A number that grows `settleMs` after the first of a burst of state changes (one re-read per burst): a view re-reads when it changes. */
export function useRunChanges(settleMs: number): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stop = listen({
      run: () => {
        pending ??= setTimeout(() => {
          pending = undefined;
          setVersion((v) => v + 1);
        }, settleMs);
      },
    });
    return () => {
      clearTimeout(pending);
      stop();
    };
  }, [settleMs]);
  return version;
}
