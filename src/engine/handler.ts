import { z } from 'zod/v3';
import type { RunFilter } from '../domain/index.js';
import { RUN_STATES } from '../domain/index.js';
import { UsageError } from '../errors.js';
import { parseRunCondition } from '../query/run-condition.js';
import type { EngineState, Session } from './engine-state.js';
import type { RequestId } from './protocol.js';

/** What a handler gets besides its params. */
export interface Call {
  engine: EngineState;
  session: Session;
  /** The request's id, as the client gave it. */
  id: RequestId;
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

export function handler<S extends z.ZodTypeAny>(
  params: S,
  handle: (params: z.infer<S>, call: Call) => unknown,
  options: { beforeHello?: boolean; writes?: boolean } = {},
): Handler<z.infer<S>> {
  return { params, handle, ...options };
}

/** A request without params sends none, or `{}`. */
export const noParams = z.object({}).strict().default({});

export const filterFields = {
  experiments: z.array(z.string()).optional(),
  states: z.array(z.enum(RUN_STATES)).optional(),
  ids: z.array(z.number().int()).optional(),
  query: z.string().optional(),
};
export const runId = z.number().int().describe('the run id');

/** JSON values as a client sends them (parameters, results): checked where they are used. */
export const jsonObject = z.record(z.unknown());

type FilterParams = { experiments?: string[]; states?: RunFilter['states']; ids?: number[]; query?: string };

/** The filter with its query parsed here, where it arrives: a syntax error answers the request at once. */
function parsedFilter({ query, ...scope }: FilterParams): RunFilter {
  return { ...scope, ...(query?.trim() && { query: parseRunCondition(query) }) };
}

export const runFilter = z.object(filterFields).strict().default({}).transform(parsedFilter);

/** The filter of flat params, as a URL's query carries them: an empty list there means no filter. */
export function filterOf({ experiments, states, ids, query }: FilterParams): RunFilter {
  return parsedFilter({
    ...(experiments?.length && { experiments }),
    ...(states?.length && { states }),
    ...(ids?.length && { ids }),
    ...(query !== undefined && { query }),
  });
}

/** Cancel and reset act on everything only when asked in so many words (as the CLI's `--all`). */
export function narrowedFilter(params: FilterParams & { all?: boolean }): RunFilter {
  const filter = filterOf(params);
  if (!params.all && !filter.experiments && !filter.ids && !filter.query) {
    throw new UsageError('say which runs: ids, experiments, a query, or all: true');
  }
  return filter;
}
