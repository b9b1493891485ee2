import { z } from 'zod/v3';
import type { RunFilter } from '../domain/index.js';
import { RUN_STATES } from '../domain/index.js';
import { RunNotFoundError, UsageError } from '../errors.js';
import { parseKeyExpression, parseRunCondition } from '../query/run-condition.js';
import type { EngineState, Session } from './engine-state.js';
import { type HelloAnswer, PROTOCOL_VERSION } from './protocol.js';
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

/**
 * Every request the engine serves, in one table: the socket protocol (engine-connection.ts)
 * and the HTTP API serve these same handlers through dispatch.ts. Each has a zod schema for
 * its params, parsed at the edge; the handler trusts what it gets.
 */

/** What a handler gets besides its params. */
export interface Call {
  engine: EngineState;
  session: Session;
  /** Sends rows of a streamed answer before the final one; resolves when the client can take more. */
  send(rows: unknown[]): Promise<void>;
}

export interface Handler<P> {
  params: z.ZodType<P, z.ZodTypeDef, unknown>;
  /** Only `hello` may come before `hello`. */
  beforeHello?: boolean;
  /** Changes runs: refused to read-only HTTP tokens, and rate-limited there. */
  writes?: boolean;
  handle(params: P, call: Call): unknown;
}

function handler<S extends z.ZodTypeAny>(
  params: S,
  handle: (params: z.infer<S>, call: Call) => unknown,
  options: { beforeHello?: boolean; writes?: boolean } = {},
): Handler<z.infer<S>> {
  return { params, handle, ...options };
}

/** A request without params sends none, or `{}`. */
const noParams = z.object({}).strict().default({});

const filterFields = {
  experiments: z.array(z.string()).optional(),
  states: z.array(z.enum(RUN_STATES)).optional(),
  ids: z.array(z.number().int()).optional(),
  query: z.string().optional(),
};
const runId = z.number().int().describe('the run id');

type FilterParams = { experiments?: string[]; states?: RunFilter['states']; ids?: number[]; query?: string };

/** The filter with its query parsed here, where it arrives: a syntax error answers the request at once. */
function parsedFilter({ query, ...scope }: FilterParams): RunFilter {
  return { ...scope, ...(query?.trim() && { query: parseRunCondition(query) }) };
}

const runFilter = z.object(filterFields).strict().default({}).transform(parsedFilter);

/** The filter of flat params, as a URL's query carries them: an empty list there means no filter. */
function filterOf({ experiments, states, ids, query }: FilterParams): RunFilter {
  return parsedFilter({
    ...(experiments?.length && { experiments }),
    ...(states?.length && { states }),
    ...(ids?.length && { ids }),
    ...(query !== undefined && { query }),
  });
}

/** Cancel and reset act on everything only when asked in so many words (as the CLI's `--all`). */
function narrowedFilter(params: FilterParams & { all?: boolean }): RunFilter {
  const filter = filterOf(params);
  if (!params.all && !filter.experiments && !filter.ids && !filter.query) {
    throw new UsageError('say which runs: ids, experiments, a query, or all: true');
  }
  return filter;
}

/** Rows per chunk of a streamed list: big enough to amortise a line, small enough to start at once. */
const DEFAULT_CHUNK_ROWS = 1000;

export const HANDLERS = {
  hello: handler(
    z.object({ version: z.string(), client: z.string().optional() }).strict(),
    (params, { engine, session }): HelloAnswer => {
      session.greet(params);
      return { version: engine.version, protocol: PROTOCOL_VERSION, pid: engine.pid, store: engine.storeDir };
    },
    { beforeHello: true },
  ),

  ping: handler(noParams, () => null),

  status: handler(noParams, (_params, { engine }) => engine.status()),

  /** Streams the runs as `labbook ls --json` lists them, read in one query (a consistent snapshot). */
  listRuns: handler(
    z
      .object({
        filter: runFilter,
        limit: z.number().int().positive().optional(),
        offset: z.number().int().nonnegative().optional(),
        chunkRows: z.number().int().positive().max(100_000).default(DEFAULT_CHUNK_ROWS),
      })
      .strict()
      .default({}),
    async ({ filter, limit, offset, chunkRows }, { engine, send }) => {
      await engine.reapExpiredLeases();
      const runs = await engine.store.listRuns(filter, {
        ...(limit !== undefined && { limit }),
        ...(offset !== undefined && { offset }),
      });
      for (let start = 0; start < runs.length; start += chunkRows) await send(runs.slice(start, start + chunkRows));
      return { count: runs.length };
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
      return runsPage(engine.store, filter, { ...sortKey, limit, offset });
    },
  ),

  /** The keys a query (and a column) can name among the runs selected. */
  listKeys: handler(z.object(filterFields).strict(), async (params, { engine }) => engine.store.keyCatalog(filterOf(params))),

  /** A run with its history, metric summaries, artifacts and environment. */
  getRunDetail: handler(z.object({ id: runId }).strict(), async ({ id }, { engine }) => {
    await engine.reapExpiredLeases();
    return runDetail(engine.store, id);
  }),

  /** A metric series, downsampled with LTTB to at most `maxPoints`. */
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
} satisfies Record<string, Handler<unknown>>;

export type Method = keyof typeof HANDLERS;
