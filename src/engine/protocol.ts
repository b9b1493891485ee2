import type { LabbookError } from '../errors.js';

/**
 * The engine protocol's wire format (docs/protocol.md, "The engine protocol"): one JSON object
 * per line in each direction. A request names a method of the handler table; its answer, and
 * the chunks of a streamed answer before it, carry the request's id.
 */

/** Bumped when a change would break a client of the previous protocol. */
export const PROTOCOL_VERSION = 1;

/** A request id: the client's, echoed in every line about that request. */
export type RequestId = number | string;

export interface Request {
  id: RequestId;
  method: string;
  params?: unknown;
}

export interface ErrorBody {
  code: string;
  message: string;
  /** The exit status a command that meets this error ends with (docs/errors.md). */
  exit: number;
}

/** How an error travels in an answer. */
export function errorBody(error: LabbookError): ErrorBody {
  return { code: error.code, message: error.message, exit: error.exitCode };
}

/** The final line about a request. `id` is null for a line that was not a request at all. */
export type Answer = { id: RequestId | null; ok: true; value: unknown } | { id: RequestId | null; ok: false; error: ErrorBody };

/** Rows of a streamed answer, sent before its final Answer. */
export interface Chunk {
  id: RequestId;
  chunk: unknown[];
}

/** What `hello` answers, the part of the protocol that never changes: a client of any version can read it. */
export interface HelloAnswer {
  version: string;
  /** The engine's build (version.ts), null where it runs unbundled code. */
  build: string | null;
  protocol: number;
  pid: number;
  store: string;
}
