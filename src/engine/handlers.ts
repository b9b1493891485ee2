import { z } from 'zod/v3';
import type { RunFilter } from '../domain/index.js';
import { RUN_STATES } from '../domain/index.js';
import { RunNotFoundError } from '../errors.js';
import { parseRunCondition } from '../query/run-condition.js';
import type { EngineState, Session } from './engine-state.js';
import { type HelloAnswer, PROTOCOL_VERSION } from './protocol.js';

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
  handle(params: P, call: Call): unknown;
}

function handler<S extends z.ZodTypeAny>(
  params: S,
  handle: (params: z.infer<S>, call: Call) => unknown,
  options: { beforeHello?: boolean } = {},
): Handler<z.infer<S>> {
  return { params, handle, ...options };
}

/** A request without params sends none, or `{}`. */
const noParams = z.object({}).strict().default({});

const runFilter = z
  .object({
    experiments: z.array(z.string()).optional(),
    states: z.array(z.enum(RUN_STATES)).optional(),
    ids: z.array(z.number().int()).optional(),
    query: z.string().optional(),
  })
  .strict()
  .default({})
  // The query is parsed here, where it arrives: a syntax error answers the request at once.
  .transform(({ query, ...scope }): RunFilter => ({ ...scope, ...(query?.trim() && { query: parseRunCondition(query) }) }));

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
