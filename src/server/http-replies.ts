import type { FastifyReply } from 'fastify';
import { BadRequestError, EngineInternalError, HttpLimitError, HttpNotFoundError, LabbookError } from '../errors.js';

/**
 * Headers on every answer: the dashboard loads nothing from elsewhere and runs no inline
 * script, is framed by no other page, and no answer is sniffed into another type.
 */
export function securityHeaders(reply: FastifyReply): void {
  reply
    .header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

/** The error as the API answers it: its HTTP status, and `{"error": {"code", "message", "column"?}}`. */
export function errorReply(reply: FastifyReply, error: unknown, log: (message: string) => void, notFound?: string): FastifyReply {
  const labbook = notFound !== undefined ? new HttpNotFoundError(notFound) : asLabbookError(error, log);
  const column = (labbook as { column?: unknown }).column;
  return reply
    .code(labbook.httpStatus)
    .type('application/json; charset=utf-8')
    .send({ error: { code: labbook.code, message: labbook.message, ...(typeof column === 'number' && { column }) } });
}

function asLabbookError(error: unknown, log: (message: string) => void): LabbookError & { httpStatus: number } {
  if (error instanceof LabbookError) return error;
  const fastify = error as { code?: string; statusCode?: number; validation?: unknown; message?: string };
  if (fastify.validation) return new BadRequestError(`the request's ${fastify.message}`);
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new HttpLimitError('the request body is over 64 KiB, the most the API takes', 413);
  if (fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return withStatus(new BadRequestError('the API takes JSON bodies only: send Content-Type: application/json'), 415);
  }
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return withStatus(new BadRequestError(fastify.message ?? 'a malformed request'), fastify.statusCode);
  }
  log(`internal error in an HTTP request: ${(error as Error)?.stack ?? error}`);
  return new EngineInternalError(
    `the server failed: ${(error as Error)?.message ?? error}. This is a bug in labbook; the engine's log has the details.`,
  );
}

function withStatus(error: LabbookError, httpStatus: number): LabbookError {
  Object.defineProperty(error, 'httpStatus', { value: httpStatus });
  return error;
}
