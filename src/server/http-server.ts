import { createReadStream, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { FeedHead } from '../domain/index.js';
import { dispatch } from '../engine/dispatch.js';
import type { EngineState, Session } from '../engine/engine-state.js';
import { HANDLERS } from '../engine/handlers.js';
import type { FeedPage } from '../engine/run-views.js';
import { HttpLimitError, HttpPortTakenError, UsageError } from '../errors.js';
import { type AccessPolicy, accessPolicy, checkAccess, TOKEN_COOKIE } from './access.js';
import { parseEventId, streamEvents } from './event-stream.js';
import { errorReply, securityHeaders } from './http-replies.js';
import { openApiDocument } from './openapi.js';
import { routeSchemas } from './route-schemas.js';
import { API_ROUTES, type ApiRoute, EVENTS_URL, OPENAPI_URL } from './routes.js';

export interface HttpOptions {
  host: string;
  port: number;
  token?: string | undefined;
  readOnlyToken?: string | undefined;
}

/** Where the API listens and what a client needs to use it. */
export interface HttpServing {
  url: string;
  host: string;
  port: number;
  token: string | null;
  readOnlyToken: string | null;
  /** The token was made by the server (none was given). */
  generated: boolean;
}

export interface HttpServerOptions extends HttpOptions {
  /** The built dashboard (dist/ui); without it, `/` says how to build it. */
  uiDir?: string;
  /** How often an event stream reads the feed while it is quiet. */
  eventPollMs?: number;
  /** Told how many requests and event streams are open whenever one starts or ends (the engine's idle clock). */
  onActivity?: (activeClients: number) => void;
  log: (message: string) => void;
}

export interface HttpServer {
  readonly serving: HttpServing;
  /** Requests being answered and event streams open: the engine is not idle while there are any. */
  activeClients(): number;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes runs: refused to read-only tokens and to other sites' pages. */
    writes?: boolean;
  }
}

/** Largest JSON body a write takes: a selection of runs is small. */
const BODY_LIMIT_BYTES = 64 * 1024;
const KEEP_ALIVE_MS = 15_000;
/** Changes (cancel, reset) one client may ask for a minute: a person clicks far fewer, a runaway script is stopped. */
const WRITES_PER_MINUTE = 60;

/**
 * Every HTTP client shares one session: it has nothing to say hello with, and needs not. The
 * requests that hold a connection (runs by hand, driver sessions) have no route (routes.ts):
 * it never closes and runs no driver.
 */
const HTTP_SESSION: Session = { greeted: true, greet: () => {}, peerPid: process.pid, onClose: () => {}, drives: new Map() };

/**
 * The HTTP API and the dashboard, served from the engine's process through its handler table
 * (docs/http.md). Requests are checked (access.ts) before anything else runs.
 */
export async function startHttpServer(engine: EngineState, options: HttpServerOptions): Promise<HttpServer> {
  const policy = accessPolicy(options);
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    routerOptions: { ignoreTrailingSlash: true },
    forceCloseConnections: true,
  });
  let active = 0;
  const streams = new AbortController();
  const changed = (delta: number) => {
    active += delta;
    options.onActivity?.(active);
  };
  app.addHook('onRequest', async (request, reply) => {
    changed(1);
    reply.raw.once('close', () => changed(-1));
    securityHeaders(reply);
    if (tokenInUrl(request, reply, policy)) return reply;
    checkAccess(
      policy,
      {
        authorization: request.headers.authorization,
        cookie: request.headers.cookie,
        host: request.headers.host,
        origin: request.headers.origin,
      },
      request.routeOptions.config.writes === true,
    );
  });
  app.setErrorHandler((error, _request, reply) => errorReply(reply, error, options.log));
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpLimitError(`at most ${context.max} changes a minute from one client; retry in ${context.after}`, 429),
  });
  const call = { engine, session: HTTP_SESSION, id: 'http', send: () => Promise.reject(new UsageError('no streamed answers over HTTP')) };
  for (const route of API_ROUTES) addApiRoute(app, route, call);
  app.get(OPENAPI_URL, async () => openApiDocument());
  const feed = (after: FeedHead | undefined) => dispatch('getFeed', after ?? {}, call) as Promise<FeedPage>;
  app.get(EVENTS_URL, async (request, reply) => {
    const header = request.headers['last-event-id'];
    const after = parseEventId(Array.isArray(header) ? header[0] : header);
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const gone = new AbortController();
    const stop = () => gone.abort();
    reply.raw.once('close', stop);
    streams.signal.addEventListener('abort', stop);
    try {
      await streamEvents(reply.raw, after, {
        feed,
        pollMs: options.eventPollMs ?? 250,
        keepAliveMs: KEEP_ALIVE_MS,
        signal: gone.signal,
      });
    } catch (error) {
      if (!gone.signal.aborted) options.log(`event stream ended by an error: ${(error as Error).message}`);
    } finally {
      streams.signal.removeEventListener('abort', stop);
      reply.raw.end();
    }
  });
  await serveDashboard(app, options.uiDir);
  await app.listen({ host: options.host, port: options.port }).catch(async (error: NodeJS.ErrnoException) => {
    await app.close();
    throw listenError(error, options);
  });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const serving: HttpServing = {
    url: `http://${host}:${address.port}/`,
    host: address.address,
    port: address.port,
    token: policy.token,
    readOnlyToken: policy.readOnlyToken,
    generated: policy.generated,
  };
  return {
    serving,
    activeClients: () => active,
    close: async () => {
      streams.abort();
      await app.close();
    },
  };
}

function listenError(error: NodeJS.ErrnoException, options: HttpOptions): Error {
  if (error.code === 'EADDRINUSE') return new HttpPortTakenError(options.host, options.port);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new UsageError(`cannot listen on '${options.host}': it is not an address of this machine; try --host 127.0.0.1 or 0.0.0.0`);
  }
  if (error.code === 'EACCES') return new UsageError(`port ${options.port} needs root; use one above 1023, e.g. --port 8642`);
  return error;
}

function addApiRoute(app: FastifyInstance, route: ApiRoute, call: Parameters<typeof dispatch>[2]): void {
  const writes = HANDLERS[route.handler].writes === true;
  app.route({
    method: route.method,
    url: route.url,
    schema: routeSchemas(route),
    config: { writes, ...(writes && { rateLimit: { max: route.writesPerMinute ?? WRITES_PER_MINUTE, timeWindow: '1 minute' } }) },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const { '*': rest, ...path } = (request.params ?? {}) as Record<string, unknown>;
      const params = {
        ...((route.method === 'GET' ? request.query : request.body) as object | undefined),
        ...path,
        ...(route.rest && { [route.rest]: rest }),
      };
      const value = await dispatch(route.handler, params, call);
      if (route.handler === 'getArtifact') return sendArtifact(reply, value as ArtifactFile);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(value ?? null));
    },
  });
}

interface ArtifactFile {
  name: string;
  mediaType: string;
  size: number;
  path: string;
}

/**
 * An artifact's bytes, streamed from the object store. What a browser would run (HTML, SVG)
 * runs sandboxed, without the dashboard's origin, and HTML is downloaded rather than shown.
 */
function sendArtifact(reply: FastifyReply, artifact: ArtifactFile): FastifyReply {
  const active = /html|xml|javascript/.test(artifact.mediaType);
  const filename = encodeURIComponent(artifact.name.split('/').pop() ?? artifact.name);
  return reply
    .type(artifact.mediaType)
    .header('content-length', artifact.size)
    .header('content-security-policy', "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'")
    .header('content-disposition', `${/html/.test(artifact.mediaType) ? 'attachment' : 'inline'}; filename*=UTF-8''${filename}`)
    .header('x-labbook-active-content', active ? 'sandboxed' : 'none')
    .send(createReadStream(artifact.path));
}

/** `/?token=…`, the URL `labbook serve` prints: a valid token becomes a cookie and the URL loses it. */
function tokenInUrl(request: FastifyRequest, reply: FastifyReply, policy: AccessPolicy): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  if (request.method !== 'GET' || typeof query?.token !== 'string' || request.url.startsWith('/api/')) return false;
  checkAccess(policy, { authorization: `Bearer ${query.token}`, host: request.headers.host }, false);
  const url = new URL(request.url, 'http://x');
  url.searchParams.delete('token');
  reply
    .header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(query.token)}; Path=/; HttpOnly; SameSite=Strict`)
    .redirect(`${url.pathname}${url.search}`, 303);
  return true;
}

async function serveDashboard(app: FastifyInstance, uiDir: string | undefined): Promise<void> {
  // Looked for once: only a dashboard found here has its files (and reply.sendFile) served.
  const built = uiDir !== undefined && existsSync(uiDir);
  if (built) {
    await app.register(fastifyStatic, { root: uiDir, prefix: '/', wildcard: false, index: 'index.html' });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send("The dashboard is not built: run 'make build' in labbook's checkout.\n"),
    );
  }
  app.setNotFoundHandler(async (request, reply) => {
    // The dashboard's views are client-side routes: any other page path gets the app.
    if (!request.url.startsWith('/api/') && request.method === 'GET' && built) return reply.sendFile('index.html');
    return errorReply(
      reply,
      undefined,
      () => {},
      `no ${request.method} ${request.url.split('?')[0]} here; the API is described at ${OPENAPI_URL}`,
    );
  });
}
