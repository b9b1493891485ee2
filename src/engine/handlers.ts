import { z } from 'zod/v3';
import { RUN_STATES, type RunRecord } from '../domain/index.js';
import { RunNotFoundError } from '../errors.js';
import { parseKeyExpression } from '../query/run-condition.js';
import { loadSpecText, readConfigFile } from '../spec/load-spec.js';
import type { Params } from '../spec/types.js';
import { runDriverSession, sessionParams } from './driver-sessions.js';
import { filterFields, filterOf, type Handler, handler, jsonObject, narrowedFilter, noParams, runFilter, runId } from './handler.js';
import { DASHBOARD_HANDLERS } from './handlers/dashboard.js';
import { PROVENANCE_HANDLERS } from './handlers/provenance.js';
import { REMOTE_HANDLERS } from './handlers/remote.js';
import { STUDY_HANDLERS } from './handlers/study.js';
import { type HelloAnswer, PROTOCOL_VERSION } from './protocol.js';
import { runTable } from './run-table.js';
import {
  artifactFile,
  experimentDetail,
  feedAfter,
  LOG_STREAMS,
  listExperimentSummaries,
  metricSeries,
  runDetail,
  runLog,
  runsComparison,
  runsPage,
} from './run-views.js';

export type { Call, Handler } from './handler.js';

/**
 * Every request the engine serves, in one table: the socket protocol (engine-connection.ts)
 * and the HTTP API serve these same handlers through dispatch.ts. Each has a zod schema for
 * its params, parsed at the edge; the handler trusts what it gets. docs/protocol.md lists them.
 */

/** Rows per chunk of a streamed list: big enough to amortise a line, small enough to start at once. */
const DEFAULT_CHUNK_ROWS = 1000;

export const HANDLERS = {
  hello: handler(
    z.object({ version: z.string(), client: z.string().optional() }).strict(),
    (params, { engine, session }): HelloAnswer => {
      session.greet(params);
      return { version: engine.version, build: engine.build, protocol: PROTOCOL_VERSION, pid: engine.pid, store: engine.storeDir };
    },
    { beforeHello: true },
  ),

  ping: handler(noParams, () => null),

  status: handler(noParams, (_params, { engine }) => engine.status()),

  /**
   * Streams the runs as `labbook ls --json` lists them, read in one query (a consistent
   * snapshot); with `metrics`, each with the last value of each of its metrics (`metrics: {key: last}`).
   */
  listRuns: handler(
    z
      .object({
        filter: runFilter,
        limit: z.number().int().positive().optional(),
        offset: z.number().int().nonnegative().optional(),
        metrics: z.boolean().default(false),
        chunkRows: z.number().int().positive().max(100_000).default(DEFAULT_CHUNK_ROWS),
      })
      .strict()
      .default({}),
    async ({ filter, limit, offset, metrics, chunkRows }, { engine, send }) => {
      await engine.reapExpiredLeases();
      const runs: Array<RunRecord & { metrics?: Record<string, number | null> }> = await engine.store.listRuns(filter, {
        ...(limit !== undefined && { limit }),
        ...(offset !== undefined && { offset }),
      });
      if (metrics) {
        const byId = new Map(runs.map((run) => [run.id, run]));
        for (const run of runs) run.metrics = {};
        for (const summary of await engine.store.listRunsMetricSummaries(filter)) {
          const run = byId.get(summary.runId);
          if (run?.metrics) run.metrics[summary.key] = summary.last;
        }
      }
      for (let start = 0; start < runs.length; start += chunkRows) await send(runs.slice(start, start + chunkRows));
      return { count: runs.length };
    },
  ),

  /** Streams the runs as the Python Reader shows them (run-table.ts), as rows; answers `{"count", "columns", "metricColumns"}`. */
  runTable: handler(
    z
      .object({ filter: runFilter, chunkRows: z.number().int().positive().max(100_000).default(DEFAULT_CHUNK_ROWS) })
      .strict()
      .default({}),
    async ({ filter, chunkRows }, { engine, send }) => {
      await engine.reapExpiredLeases();
      const { columns, metricColumns, rows } = runTable(await engine.store.listRunTableRows(filter));
      for (let start = 0; start < rows.length; start += chunkRows) await send(rows.slice(start, start + chunkRows));
      return { count: rows.length, columns, metricColumns };
    },
  ),

  countRuns: handler(z.object({ filter: runFilter }).strict().default({}), async ({ filter }, { engine }) => {
    await engine.reapExpiredLeases();
    return engine.store.countRuns(filter);
  }),

  getRun: handler(z.object({ id: z.number().int() }).strict(), async ({ id }, { engine }) => {
    await engine.reapExpiredLeases();
    const run = await engine.store.getRun(id);
    if (!run) throw new RunNotFoundError(String(id));
    return run;
  }),

  /** Experiments with their runs counted by state. */
  listExperiments: handler(noParams, async (_params, { engine }) => {
    await engine.reapExpiredLeases();
    return listExperimentSummaries(engine.store);
  }),

  /** One experiment with its counts and its spec, credentials in `notify:` masked. */
  getExperiment: handler(z.object({ name: z.string() }).strict(), async ({ name }, { engine }) => experimentDetail(engine.store, name)),

  /** A page of runs, filtered with the query language and sorted by any key, with the total and each run's metric summaries. */
  pageRuns: handler(
    z
      .object({
        ...filterFields,
        sort: z.string().optional().describe('a key as a query names it: lr, metrics.val.loss.min, started'),
        descending: z.boolean().default(false),
        limit: z.number().int().positive().max(1000).default(100),
        offset: z.number().int().nonnegative().default(0),
      })
      .strict(),
    async ({ sort, descending, limit, offset, ...params }, { engine }) => {
      const filter = filterOf(params);
      const sortKey = sort?.trim() ? { sort: { key: parseKeyExpression(sort), descending } } : {};
      await engine.reapExpiredLeases();
      const selection = JSON.stringify([params, sort?.trim() ?? '', descending]);
      return runsPage(engine.store, engine.runPages, selection, filter, { ...sortKey, limit, offset });
    },
  ),

  /** The keys a query (and a column) can name among the runs selected. */
  listKeys: handler(z.object(filterFields).strict(), async (params, { engine }) => engine.store.keyCatalog(filterOf(params))),

  /** A run with its history, metric summaries, artifacts and environment. */
  getRunDetail: handler(z.object({ id: runId }).strict(), async ({ id }, { engine }) => {
    await engine.reapExpiredLeases();
    return runDetail(engine.store, id);
  }),

  /** A metric series, downsampled with M4 to at most `maxPoints`. */
  getMetricSeries: handler(
    z.object({ id: runId, key: z.string(), maxPoints: z.number().int().min(3).max(100_000).default(2000) }).strict(),
    async ({ id, key, maxPoints }, { engine }) => metricSeries(engine.store, id, key, maxPoints),
  ),

  /** A piece of a run's log: its tail, or what follows `offset`. */
  getRunLog: handler(
    z
      .object({
        id: runId,
        stream: z.enum(Object.keys(LOG_STREAMS) as [keyof typeof LOG_STREAMS]).default('stdout'),
        offset: z.number().int().nonnegative().optional(),
        maxBytes: z
          .number()
          .int()
          .positive()
          .max(1 << 20)
          .default(64 << 10),
      })
      .strict(),
    async ({ id, stream, offset, maxBytes }, { engine }) => runLog(engine.store, id, stream, offset, maxBytes),
  ),

  /** Where an artifact's bytes are in the object store, with its media type. */
  getArtifact: handler(z.object({ id: runId, name: z.string() }).strict(), async ({ id, name }, { engine }) =>
    artifactFile(engine.store, id, name),
  ),

  /** Two runs side by side: parameters, environment and final metric values. */
  compareRuns: handler(z.object({ a: runId, b: runId }).strict(), async ({ a, b }, { engine }) => runsComparison(engine.store, a, b)),

  /** State changes and metric points written after the cursor; without one, where the feed ends now. */
  getFeed: handler(
    z
      .object({
        runEvent: z.number().int().nonnegative().optional(),
        metric: z.number().int().nonnegative().optional(),
        limit: z.number().int().positive().max(10_000).default(1000),
      })
      .strict(),
    async ({ runEvent, metric, limit }, { engine }) => {
      const after = runEvent === undefined && metric === undefined ? undefined : { runEvent: runEvent ?? 0, metric: metric ?? 0 };
      return feedAfter(engine.store, after, limit);
    },
  ),

  /** Pending and running runs of the selection become CANCELLED. */
  cancelRuns: handler(
    z.object({ ...filterFields, all: z.boolean().default(false) }).strict(),
    async (params, { engine }) => ({ cancelled: await engine.queue.cancel(narrowedFilter(params)) }),
    { writes: true },
  ),

  /** Runs of the selection in the given states (default: all but PENDING) go back to PENDING. */
  resetRuns: handler(
    z.object({ ...filterFields, all: z.boolean().default(false) }).strict(),
    async (params, { engine }) => {
      const filter = narrowedFilter(params);
      return { reset: await engine.queue.reset({ ...filter, states: filter.states ?? RUN_STATES.filter((s) => s !== 'PENDING') }) };
    },
    { writes: true },
  ),

  /** A metric's values in logging order, of the latest attempt that logged it (none when it did not). */
  readMetric: handler(z.object({ run: runId, key: z.string() }).strict(), async ({ run, key }, { engine }) =>
    (await engine.store.readMetrics(run, key)).map((point) => point.value),
  ),

  /** The data of a YAML or JSON file (a driver's configuration), its problems at file:line:column (LB_SPEC_INVALID). */
  readConfig: handler(z.object({ path: z.string(), cwd: z.string().optional() }).strict(), ({ path, cwd }) => readConfigFile(path, cwd)),

  /** Adds a spec's runs, as `labbook add` does; answers the counts. */
  enqueue: handler(
    z
      .object({ spec: jsonObject, overrides: z.array(z.string()).default([]), requeueStates: z.array(z.enum(RUN_STATES)).default([]) })
      .strict(),
    async ({ spec, overrides, requeueStates }, { engine }) => {
      const loaded = loadSpecText(JSON.stringify(spec), String(spec.name), overrides);
      const { experiment, counts } = await engine.queue.enqueue(loaded, { requeueStates });
      return { experiment: experiment.name, specVersion: experiment.specVersion, ...counts };
    },
    { writes: true },
  ),

  /** Starts (or takes over) the run of `params` in `experiment` for a script run by hand, under a lease the engine holds while the client is connected. */
  startRun: handler(
    z.object({ experiment: z.string().min(1), params: jsonObject.default({}) }).strict(),
    ({ experiment, params }, { engine, session }) => engine.handRuns.start(session, experiment, params as Params, session.peerPid),
    { writes: true },
  ),

  /** A message of the run protocol (docs/protocol.md: metrics, result, log, artifact, checkpoint, restore…) of a run by hand. */
  runMessage: handler(
    z.object({ run: runId, message: jsonObject }).strict(),
    ({ run, message }, call) => call.engine.handRuns.message(call.session, run, message),
    { writes: true },
  ),

  /** Ends a run by hand: COMPLETED, or FAILED with `error`; answers its state, or null when its lease no longer held. */
  finishRun: handler(
    z.object({ run: runId, error: z.string().optional() }).strict(),
    ({ run, error }, call) => call.engine.handRuns.finish(call.session, run, error),
    { writes: true },
  ),

  /** Runs a Python driver's session (driver-sessions.ts); streams `{"stderr": text}` rows and answers its report. */
  session: handler(sessionParams, runDriverSession, { writes: true }),

  /** A Ctrl-C for the driver session that the request `session` (its id) runs on this connection. */
  interrupt: handler(z.object({ session: z.union([z.number(), z.string()]) }).strict(), ({ session }, call) => {
    const stop = call.session.drives.get(session);
    stop?.('SIGINT');
    return { interrupted: stop !== undefined };
  }),

  /**
   * Starts the HTTP API and dashboard in the engine (`labbook serve`, `labbook ui`), or answers
   * where they are when they run already. Not itself served over HTTP.
   */
  serveHttp: handler(
    z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(0),
        token: z.string().optional(),
        readOnlyToken: z.string().optional(),
      })
      .strict(),
    (params, { engine }) => engine.serveHttp(params),
  ),

  stopHttp: handler(noParams, async (_params, { engine }) => ({ stopped: await engine.stopHttp() })),

  /**
   * Stops the engine once this answer is sent. With `ifIdle`, only when no other client is
   * connected and this one waits for nothing else: how a client of another version replaces it.
   */
  shutdown: handler(
    z
      .object({ ifIdle: z.boolean().default(false) })
      .strict()
      .default({}),
    ({ ifIdle }, { engine, session }) => {
      if (ifIdle && !engine.isIdleBut(session)) return { stopping: false, pid: engine.pid, clients: engine.clientCount() - 1 };
      engine.stop(ifIdle ? 'replaced by a client of another version' : 'asked to stop');
      return { stopping: true, pid: engine.pid };
    },
  ),

  ...PROVENANCE_HANDLERS,
  ...STUDY_HANDLERS,
  ...DASHBOARD_HANDLERS,
  ...REMOTE_HANDLERS,
} satisfies Record<string, Handler<unknown>>;

export type Method = keyof typeof HANDLERS;
