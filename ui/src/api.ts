import type { KeyCatalog, MetricSummary } from '../../src/domain/metric.js';
import type { NotificationChannel, TestOutcome } from '../../src/domain/notification.js';
import type { RunEvent, RunRecord, RunState } from '../../src/domain/run.js';

export { RUN_STATES } from '../../src/domain/run.js';
export type { KeyCatalog, MetricSummary, NotificationChannel, RunState, TestOutcome };

/**
 * The dashboard's one door to the server: JSON over same-origin fetch. The token, when the
 * server asks for one, travels in the HttpOnly cookie its first URL set (docs/http.md).
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Where a query went wrong (1-based), for the caret under the query box. */
    readonly column?: number,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

export function queryString(params: Query): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function getJson<T>(path: string, params: Query = {}, signal?: AbortSignal): Promise<T> {
  return answer<T>(await fetch(`/api${path}${queryString(params)}`, { signal: signal ?? null }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(`/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
}

async function answer<T>(response: Response): Promise<T> {
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { code: string; message: string; column?: number } } | null)?.error;
    throw new ApiError(error?.code ?? 'LB_HTTP', error?.message ?? `HTTP ${response.status}`, response.status, error?.column);
  }
  return body as T;
}

export type Counts = Record<RunState, number> & { total: number };

export interface Experiment {
  name: string;
  createdAt: number;
  updatedAt: number;
  counts: Counts;
}

/** A run as the runs table gets it: with the last, min and max of each of its metrics. */
export type Run = RunRecord & { metrics: Record<string, { last: number | null; min: number | null; max: number | null }> };

export interface RunPage {
  total: number;
  runs: Run[];
}

export interface RunDetail {
  run: RunRecord;
  events: RunEvent[];
  metrics: MetricSummary[];
  artifacts: Array<{ name: string; size: number; mediaType: string; sha256: string }>;
  environment: unknown;
}

export interface SeriesPoint {
  step: number | null;
  value: number | null;
  at: number;
}

export interface Difference {
  key: string;
  a?: unknown;
  b?: unknown;
  same: boolean;
}

export interface Comparison {
  a: RunRecord;
  b: RunRecord;
  params: Difference[];
  environment: Difference[];
  metrics: Difference[];
}

/** A metric per step over a group of runs that share a parameter's value (GET /api/bands). */
export interface Band {
  value: unknown;
  runs: number[];
  steps: number[];
  mean: number[];
  std: number[];
  count: number[];
}

export interface Bands {
  key: string;
  by: string;
  groups: Band[];
  truncated: boolean;
}

export type ArtifactPreview = { name: string; mediaType: string; size: number } & (
  | { kind: 'image' }
  | { kind: 'table'; columns: string[]; rows: unknown[][]; truncated: boolean }
  | { kind: 'none' }
);

export type TrialState = 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAILED';

/** A study as GET /api/studies lists it. */
export interface Study {
  name: string;
  experiment: string;
  directions: Array<'minimize' | 'maximize'>;
  objectives: string[];
  sampler: { name: string };
  createdAt: number;
}

export interface Trial {
  number: number;
  state: TrialState;
  params: Record<string, unknown>;
  values?: Array<number | null>;
  run: number;
}

/** A study with its trials (GET /api/studies/NAME): `best` and `pareto` are trial numbers. */
export interface StudyDetail extends Study {
  trials: Trial[];
  best?: number;
  pareto: number[];
}

export interface Entity {
  uid: string;
  kind: string;
  name: string;
  version: string | null;
  entity: { kind: string; value?: number };
  createdAt: number;
}

/** GET /api/lineage/REF: `from` was made of (or with) `to`, by `edge`. */
export interface LineageGraph {
  root: string;
  direction: 'upstream' | 'downstream';
  nodes: Entity[];
  edges: Array<{ from: string; edge: string; to: string }>;
}

export interface BoardEntry {
  evaluations: string[];
  model: { uid: string; name: string; version: string | null; run?: number };
  metric: { name: string; higherIsBetter: boolean };
  value: number;
  on: string;
}

/** GET /api/leaderboard: the comparable results ranked, the others with why. */
export interface Leaderboard {
  on: string | null;
  ranked: Array<BoardEntry & { rank: number }>;
  incomparable: Array<BoardEntry & { reason: string }>;
}
