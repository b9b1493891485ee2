import { HANDLERS } from '../engine/handlers.js';
import { VERSION } from '../version.js';
import { routeSchemas } from './route-schemas.js';
import { API_ROUTES, EVENTS_URL } from './routes.js';

const ERROR = {
  description: 'An error: its stable code (docs/errors.md) and what to do',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' }, column: { type: 'integer' } },
            required: ['code', 'message'],
          },
        },
      },
    },
  },
};

/** The OpenAPI 3.1 document of the API, built from the same route table and schemas the server validates with. */
export function openApiDocument(): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of API_ROUTES) {
    const schemas = routeSchemas(route);
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, `{${route.rest}}`);
    const parameters = [
      ...Object.entries(schemas.params?.properties ?? {}).map(([name, schema]) => ({
        name: name === '*' ? route.rest : name,
        in: 'path',
        required: true,
        schema,
      })),
      ...Object.entries(schemas.querystring?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: schemas.querystring?.required?.includes(name) ?? false,
        schema,
        ...((schema as { type?: string }).type === 'array' && { style: 'form', explode: true }),
      })),
    ];
    paths[path] ??= {};
    (paths[path] as Record<string, object>)[route.method.toLowerCase()] = {
      operationId: route.handler,
      summary: route.summary,
      ...(HANDLERS[route.handler].writes && { description: 'Changes runs: needs the full token, and is rate-limited.' }),
      parameters,
      ...(schemas.body && { requestBody: { required: true, content: { 'application/json': { schema: schemas.body } } } }),
      responses: {
        200: {
          description: 'OK',
          content: route.handler === 'getArtifact' ? { 'application/octet-stream': {} } : { 'application/json': {} },
        },
        default: ERROR,
      },
    };
  }
  paths[EVENTS_URL] = {
    get: {
      operationId: 'events',
      summary: 'Live events (Server-Sent Events): run (a state change), metrics (new points); resume with Last-Event-ID',
      parameters: [{ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string', pattern: '^\\d+-\\d+$' } }],
      responses: { 200: { description: 'An event stream', content: { 'text/event-stream': {} } }, default: ERROR },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'labbook', version: VERSION, description: 'The HTTP API of the resident engine (docs/http.md)' },
    components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
    security: [{}, { token: [] }],
    paths,
  };
}
