import type { Method } from '../engine/handlers.js';

/**
 * The HTTP API: each route serves one handler of the engine's table (src/engine/handlers.ts),
 * whose zod schema gives the route's JSON schema (route-schemas.ts) and OpenAPI document.
 * Path parameters, the URL's query (GET) or the JSON body (POST) become the handler's params.
 */
export interface ApiRoute {
  method: 'GET' | 'POST';
  /** Fastify's syntax: `:id` is a path parameter, a trailing `*` the rest of the path (see `rest`). */
  url: string;
  handler: Method;
  summary: string;
  /** The param that the trailing `*` of the URL fills (a name that may hold slashes). */
  rest?: string;
  /** Requests a minute one client may send to this write route, when not the server's default for writes. */
  writesPerMinute?: number;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', url: '/api/health', handler: 'ping', summary: 'Answers null when the server and its engine are up' },
  { method: 'GET', url: '/api/experiments', handler: 'listExperiments', summary: 'Experiments with their runs counted by state' },
  { method: 'GET', url: '/api/experiments/:name', handler: 'getExperiment', summary: 'One experiment: counts and spec (secrets masked)' },
  { method: 'GET', url: '/api/runs', handler: 'pageRuns', summary: 'A page of runs: filtered by a query, sorted, with the total' },
  { method: 'GET', url: '/api/keys', handler: 'listKeys', summary: 'Keys a query or a column can name among the selected runs' },
  { method: 'GET', url: '/api/runs/:id', handler: 'getRunDetail', summary: 'A run with history, metric summaries, artifacts, environment' },
  { method: 'GET', url: '/api/runs/:id/series', handler: 'getMetricSeries', summary: 'A metric series, downsampled (M4) when long' },
  { method: 'GET', url: '/api/runs/:id/logs', handler: 'getRunLog', summary: "A run's log: its tail, or what follows an offset" },
  {
    method: 'GET',
    url: '/api/runs/:id/artifacts/*',
    handler: 'getArtifact',
    summary: "An artifact's bytes, with its media type",
    rest: 'name',
  },
  { method: 'GET', url: '/api/compare', handler: 'compareRuns', summary: 'Two runs side by side: parameters, environment, final metrics' },
  {
    method: 'GET',
    url: '/api/runs/:id/previews/*',
    handler: 'getArtifactPreview',
    summary: "What the run view shows of an artifact: an image, a table's first rows, or nothing",
    rest: 'name',
  },
  {
    method: 'GET',
    url: '/api/bands',
    handler: 'metricBands',
    summary: 'Mean ± std of a metric per step over the selected runs, grouped by a parameter',
  },
  {
    method: 'GET',
    url: '/api/experiments/:name/notifications',
    handler: 'listNotifications',
    summary: "An experiment's notification channels, credentials masked",
  },
  {
    method: 'POST',
    url: '/api/experiments/:name/notifications/test',
    handler: 'testNotification',
    summary: 'Send a test message to one of the channels; answers whether it arrived',
  },
  {
    method: 'POST',
    url: '/api/remote/runs',
    handler: 'remoteStartRun',
    summary: 'Start the run of a Python client elsewhere ($LABBOOK_URL)',
  },
  {
    method: 'POST',
    url: '/api/remote/runs/:id/messages',
    handler: 'remoteRunMessages',
    summary: "Record a remote run's metric points, log lines and result; none: a heartbeat",
    // A run sends a batch of points (or a heartbeat) every few seconds, many runs from one machine.
    writesPerMinute: 6000,
  },
  {
    method: 'POST',
    url: '/api/remote/runs/:id/finish',
    handler: 'remoteFinishRun',
    summary: 'End a remote run: COMPLETED, or FAILED with its error',
  },
  { method: 'GET', url: '/api/studies', handler: 'listStudies', summary: 'The studies (hyper-parameter searches), oldest first' },
  {
    method: 'GET',
    url: '/api/studies/:name',
    handler: 'getStudy',
    summary: 'A study with its trials, its best trial and its Pareto front',
  },
  { method: 'GET', url: '/api/entities', handler: 'findEntities', summary: 'The provenance entities a filter selects, oldest first' },
  {
    method: 'GET',
    url: '/api/lineage/*',
    handler: 'getLineage',
    summary: "An entity's lineage graph, upstream or downstream, to a depth",
    rest: 'ref',
  },
  {
    method: 'GET',
    url: '/api/leaderboard',
    handler: 'leaderboard',
    summary: 'The comparable results of the selected evaluations, ranked; the others with their reason',
  },
  { method: 'POST', url: '/api/runs/cancel', handler: 'cancelRuns', summary: 'Cancel the pending and running runs selected' },
  { method: 'POST', url: '/api/runs/reset', handler: 'resetRuns', summary: 'Put the selected runs back in the queue' },
];

/** Live events (Server-Sent Events): state changes and metric points, resumable with Last-Event-ID. */
export const EVENTS_URL = '/api/events';
export const OPENAPI_URL = '/api/openapi.json';
