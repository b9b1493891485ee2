import { zodToJsonSchema } from 'zod-to-json-schema';
import { HANDLERS } from '../engine/handlers.js';
import type { ApiRoute } from './routes.js';

export interface ObjectSchema {
  type: 'object';
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties: false;
}

/** A route's request schemas, in Fastify's terms: `params` (the path's), and `querystring` or `body`. */
export interface RouteSchemas {
  params?: ObjectSchema;
  querystring?: ObjectSchema;
  body?: ObjectSchema;
}

/** The JSON schema of a handler's params, as the request sends them (defaults optional). */
export function handlerParamsSchema(route: ApiRoute): ObjectSchema {
  const json = zodToJsonSchema(HANDLERS[route.handler].params, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    pipeStrategy: 'input',
    effectStrategy: 'input',
  }) as Partial<ObjectSchema> & { $schema?: string; default?: unknown };
  return {
    type: 'object',
    properties: json.properties ?? {},
    ...(json.required?.length && { required: json.required }),
    additionalProperties: false,
  };
}

/** The names a route's path fills: `:id` segments and the param of its trailing `*`. */
export function pathParamNames(route: ApiRoute): string[] {
  const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
  return route.rest ? [...names, route.rest] : names;
}

/** Splits the handler's schema between the path and the query (GET) or the body (POST). */
export function routeSchemas(route: ApiRoute): RouteSchemas {
  const whole = handlerParamsSchema(route);
  const inPath = new Set(pathParamNames(route));
  // The trailing `*` arrives as the param `*`: the server renames it before the handler sees it.
  const pathName = (name: string) => (name === route.rest ? '*' : name);
  const part = (names: string[], rename: (name: string) => string = (name) => name): ObjectSchema => {
    const required = (whole.required ?? []).filter((name) => names.includes(name)).map(rename);
    return {
      type: 'object',
      properties: Object.fromEntries(names.map((name) => [rename(name), whole.properties[name]])),
      ...(required.length && { required }),
      additionalProperties: false,
    };
  };
  const names = Object.keys(whole.properties);
  const rest = part(names.filter((name) => !inPath.has(name)));
  return {
    ...(inPath.size > 0 && { params: part([...inPath], pathName) }),
    ...(route.method === 'GET' ? { querystring: rest } : { body: rest }),
  };
}
