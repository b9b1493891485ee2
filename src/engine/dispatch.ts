import type { ZodError } from 'zod/v3';
import { BadRequestError } from '../errors.js';
import { type Call, HANDLERS, type Handler } from './handlers.js';

const METHODS: ReadonlyMap<string, Handler<unknown>> = new Map(Object.entries(HANDLERS));

/**
 * Runs one request: finds its handler, checks the client said hello first, parses the params
 * with the handler's schema and calls it. A request that is wrong gets a BadRequestError
 * that names the method, the field and what was expected.
 */
export async function dispatch(method: string, params: unknown, call: Call): Promise<unknown> {
  const handler = METHODS.get(method);
  if (!handler) throw new BadRequestError(`unknown method '${method}'; the engine serves ${[...METHODS.keys()].join(', ')}`);
  if (!handler.beforeHello && !call.session.greeted) {
    throw new BadRequestError(`'${method}' before 'hello': a client starts with {"id": 1, "method": "hello", "params": {"version": "…"}}`);
  }
  const parsed = handler.params.safeParse(params);
  if (!parsed.success) throw new BadRequestError(`${method}: ${describeIssues(parsed.error)}`);
  return handler.handle(parsed.data, call);
}

function describeIssues(error: ZodError): string {
  return error.issues.map((issue) => `${['params', ...issue.path].join('.')}: ${issue.message}`).join('; ');
}
