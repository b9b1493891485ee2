import { chmodSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { EngineAlreadyRunningError, EnginePeerRefusedError, HttpAlreadyServingError } from '../errors.js';
import { UI_DIST_PATH } from '../package-files.js';
import { type Clock, systemClock } from '../queue/clock.js';
import { Queue } from '../queue/queue.js';
import type { HttpOptions, HttpServer, HttpServing } from '../server/http-server.js';
import { openStore, storeDatabase } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import { BUILD, buildLabel, VERSION } from '../version.js';
import { ClientConnection } from './engine-connection.js';
import { EngineLock } from './engine-lock.js';
import { type EnginePaths, enginePaths, prepareEngineDir } from './engine-paths.js';
import type { EngineState, EngineStatus, Session } from './engine-state.js';
import { HandRuns } from './hand-runs.js';
import { peerCredentials, requirePeerCheck } from './peer-credentials.js';
import { type Answer, errorBody, PROTOCOL_VERSION } from './protocol.js';
import { RemoteRuns } from './remote-runs.js';
import { RunPageCache } from './run-page-cache.js';

/** How long an engine without clients waits before it exits, unless told otherwise. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
/** How often the engine checks that its store is still there. */
const STORE_CHECK_INTERVAL_MS = 1000;

export interface EngineOptions {
  /** The store directory (`.labbook`). */
  storeDir: string;
  /** Where to put the socket ($XDG_RUNTIME_DIR, $TMPDIR). */
  env: NodeJS.ProcessEnv;
  idleTimeoutMs?: number;
  /** Where the engine says what it does: a line per event (start, stop, refused clients, bugs). */
  log: (message: string) => void;
  clock?: Clock;
  /** How its code was compiled, for the log line that says it serves (src/cli/engine-loader.ts); none when served by the CLI. */
  codeCache?: string;
}

/** An engine that serves its store until it is stopped, idle, or its store is gone. */
export interface RunningEngine {
  status(): EngineStatus;
  stop(reason: string): void;
  /**
   * Resolves with why it stopped, once it has: its socket removed, store closed, lock
   * released, clients disconnected.
   */
  readonly stopped: Promise<string>;
}

/**
 * Starts the store's resident engine in this process: takes the store's lock on this host
 * (EngineAlreadyRunningError when another engine holds it), opens the store and listens on
 * the socket. Clients find it there (connect-engine.ts).
 */
export async function serveEngine(options: EngineOptions): Promise<RunningEngine> {
  const paths = enginePaths(options.storeDir, options.env);
  prepareEngineDir(paths);
  requirePeerCheck();
  const lock = EngineLock.tryAcquire(paths.lock);
  if (!lock) throw new EngineAlreadyRunningError(options.storeDir);
  let store: Store | undefined;
  try {
    store = await openStore({ store: options.storeDir, cwd: options.storeDir });
    // Only the holder of the lock touches the socket path: a socket left there is a dead engine's.
    rmSync(paths.socket, { force: true });
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(paths.socket, resolve));
    chmodSync(paths.socket, 0o600);
    return new Engine(options, paths, lock, store, server);
  } catch (error) {
    await store?.close();
    lock.release();
    throw error;
  }
}

class Engine implements EngineState, RunningEngine {
  readonly version = VERSION;
  readonly build = BUILD;
  readonly pid = process.pid;
  readonly storeDir: string;
  readonly stopped: Promise<string>;
  readonly clock: Clock;
  readonly handRuns: HandRuns;
  readonly remoteRuns: RemoteRuns;
  readonly runPages: RunPageCache;
  private readonly startedAt: number;
  private readonly idleTimeoutMs: number;
  readonly queue: Queue;
  private readonly connections = new Set<ClientConnection>();
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly storeCheck: NodeJS.Timeout | undefined;
  private stopping = false;
  private resolveStopped!: (reason: string) => void;
  /** The HTTP API and dashboard, once a client asked for them; Fastify is loaded only then. */
  private http: Promise<HttpServer> | undefined;
  private httpClients = 0;

  constructor(
    private readonly options: EngineOptions,
    private readonly paths: EnginePaths,
    private readonly lock: EngineLock,
    readonly store: Store,
    private readonly server: Server,
  ) {
    // What clients and the log are told: a PostgreSQL store's URL without its password.
    this.storeDir = store.backend === 'postgres' ? store.location : options.storeDir;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.queue = new Queue(store, { clock: this.clock });
    this.handRuns = new HandRuns(store, this.clock, options.log);
    this.remoteRuns = new RemoteRuns(this.handRuns, this.clock);
    this.runPages = new RunPageCache(store);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    server.on('connection', (socket) => this.accept(socket));
    this.storeCheck = this.watchStore();
    this.armIdleTimer();
    options.log(
      `engine ${VERSION} (pid ${this.pid}) serves ${this.storeDir} on ${paths.socket}; idle exit after ${this.idleTimeoutMs} ms; build ${buildLabel(BUILD)}` +
        (options.codeCache ? `; code cache ${options.codeCache}` : ''),
    );
  }

  status(): EngineStatus {
    return {
      pid: this.pid,
      version: this.version,
      build: this.build,
      protocol: PROTOCOL_VERSION,
      store: this.storeDir,
      socket: this.paths.socket,
      startedAt: this.startedAt,
      uptimeMs: this.clock.now() - this.startedAt,
      idleTimeoutMs: this.idleTimeoutMs,
      clients: [...this.connections].map((connection) => connection.info),
      http: this.httpStatus,
    };
  }

  private httpStatus: EngineStatus['http'] = null;

  clientCount(): number {
    return this.connections.size + this.httpClients;
  }

  serveHttp(options: HttpOptions): Promise<HttpServing> {
    if (this.http) return this.http.then((server) => sameServer(server.serving, options));
    const starting = import('../server/http-server.js').then(({ startHttpServer }) =>
      startHttpServer(this, {
        ...options,
        uiDir: UI_DIST_PATH,
        log: this.options.log,
        onActivity: (clients) => {
          this.httpClients = clients;
          if (this.httpStatus) this.httpStatus.clients = clients;
          this.armIdleTimer();
        },
      }),
    );
    this.http = starting;
    return starting.then(
      (started) => {
        this.httpStatus = { url: started.serving.url, clients: 0 };
        this.options.log(`serving the HTTP API and dashboard on ${started.serving.url}`);
        return started.serving;
      },
      (error: unknown) => {
        this.http = undefined;
        throw error;
      },
    );
  }

  async stopHttp(): Promise<boolean> {
    const http = this.http;
    if (!http) return false;
    this.http = undefined;
    this.httpStatus = null;
    this.httpClients = 0;
    await (await http).close();
    this.options.log('stopped the HTTP API and dashboard');
    this.armIdleTimer();
    return true;
  }

  isIdleBut(session: Session): boolean {
    const [only, ...others] = this.connections;
    return others.length === 0 && only === session && only.inFlight === 1;
  }

  async reapExpiredLeases(): Promise<void> {
    await this.queue.reapExpired();
  }

  stop(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    // After the answers already handed to the sockets, so a `shutdown` is answered.
    setImmediate(() => void this.shutDown(reason));
  }

  private async shutDown(reason: string): Promise<void> {
    clearTimeout(this.idleTimer);
    clearInterval(this.storeCheck);
    await this.stopHttp().catch(() => {});
    this.server.close();
    rmSync(this.paths.socket, { force: true });
    await this.handRuns.close();
    await this.store.close();
    this.lock.release();
    // Last: a client that sees its connection end may start the next engine at once.
    for (const connection of this.connections) connection.close();
    this.options.log(`engine (pid ${this.pid}) stopped: ${reason}`);
    this.resolveStopped(reason);
  }

  private accept(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    clearTimeout(this.idleTimer);
    const peer = peerCredentials(socket);
    const uid = process.getuid?.() ?? 0;
    if (this.stopping || socket.destroyed) {
      socket.destroy();
    } else if (peer?.uid !== uid) {
      this.options.log(`refused a client of uid ${peer?.uid ?? 'unknown'} (pid ${peer?.pid ?? 'unknown'})`);
      socket.end(`${JSON.stringify(refusal(new EnginePeerRefusedError(peer?.uid, uid)))}\n`);
    } else {
      const connection = new ClientConnection(socket, this, peer.pid, this.clock.now(), this.options.log);
      this.connections.add(connection);
      socket.on('close', () => {
        this.connections.delete(connection);
        this.armIdleTimer();
      });
      connection.serve();
    }
    this.armIdleTimer();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.stopping || this.clientCount() > 0) return;
    this.idleTimer = setTimeout(() => this.stop(`no client for ${this.idleTimeoutMs} ms`), this.idleTimeoutMs);
  }

  /**
   * Stops the engine when its store's database file is deleted or replaced (a new `labbook init`
   * there). A PostgreSQL store has no file here: its server is watched by its connections.
   */
  private watchStore(): NodeJS.Timeout | undefined {
    if (this.store.backend === 'postgres') return undefined;
    const database = storeDatabase(this.storeDir);
    const inode = statSync(database).ino;
    const timer = setInterval(() => {
      let current: number | undefined;
      try {
        current = statSync(database).ino;
      } catch {
        current = undefined;
      }
      if (current !== inode) this.stop(`its store ${this.storeDir} was removed`);
    }, STORE_CHECK_INTERVAL_MS);
    return timer.unref();
  }
}

/**
 * The server already running, when it is what was asked for (the same host, and the same
 * port unless any would do, and no other tokens); else the asker is told where it is.
 */
function sameServer(serving: HttpServing, wanted: HttpOptions): HttpServing {
  const samePlace = (wanted.port === 0 || wanted.port === serving.port) && sameHost(wanted.host, serving.host);
  const sameTokens =
    (wanted.token === undefined || wanted.token === serving.token) &&
    (wanted.readOnlyToken === undefined || wanted.readOnlyToken === serving.readOnlyToken);
  if (samePlace && sameTokens) return serving;
  throw new HttpAlreadyServingError(serving.url);
}

function sameHost(a: string, b: string): boolean {
  const loopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
  return a === b || (loopback(a) && loopback(b));
}

/** The line that tells a client why its connection ends: about no request in particular. */
function refusal(error: EnginePeerRefusedError): Answer {
  return { id: null, ok: false, error: errorBody(error) };
}
