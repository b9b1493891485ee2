import type { Clock } from '../queue/clock.js';
import type { Queue } from '../queue/queue.js';
import type { StopSignal } from '../runner/session.js';
import type { HttpOptions, HttpServing } from '../server/http-server.js';
import type { Store } from '../store/types.js';
import type { HandRuns } from './hand-runs.js';
import type { RequestId } from './protocol.js';
import type { RemoteRuns } from './remote-runs.js';
import type { RunPageCache } from './run-page-cache.js';

/** What the handlers (handlers.ts) may see and do of the running engine. */
export interface EngineState {
  readonly store: Store;
  /** The store's queue, on the engine's clock: cancel and reset go through it. */
  readonly queue: Queue;
  /** The store directory, as the engine was started with it. */
  readonly storeDir: string;
  readonly version: string;
  readonly build: string | null;
  readonly pid: number;
  readonly clock: Clock;
  /** The runs that scripts run by hand record through the engine. */
  readonly handRuns: HandRuns;
  /** The runs that Python clients elsewhere record through the HTTP API ($LABBOOK_URL). */
  readonly remoteRuns: RemoteRuns;
  /** The order of the runs tables' selections, kept while the store does not change. */
  readonly runPages: RunPageCache;
  status(): EngineStatus;
  clientCount(): number;
  /** Whether `session` is the only client and waits for nothing but the request being handled. */
  isIdleBut(session: Session): boolean;
  /** Stops the engine after the answers being written are sent. */
  stop(reason: string): void;
  /** Puts runs whose lease expired back (as `labbook ls` and `status` do before they read). */
  reapExpiredLeases(): Promise<void>;
  /** Starts the HTTP API and dashboard in this engine, or answers where it serves them already. */
  serveHttp(options: HttpOptions): Promise<HttpServing>;
  /** Stops the HTTP server; false when none ran. */
  stopHttp(): Promise<boolean>;
}

/** One client's conversation with the engine: a socket connection (or, later, an HTTP client). */
export interface Session {
  readonly greeted: boolean;
  /** Records what the client said in `hello`. */
  greet(hello: { version: string; client?: string | undefined }): void;
  /** The client's process, as the kernel saw it connect. */
  readonly peerPid: number;
  /** Calls `listener` once the client's connection has ended. */
  onClose(listener: () => void): void;
  /** How to stop each driver session this client runs, by the id of its `session` request (for `interrupt`). */
  readonly drives: Map<RequestId, (signal: StopSignal) => void>;
}

export interface ClientInfo {
  /** The client's process, as the kernel saw it connect. */
  pid: number;
  /** What the client called itself in `hello`, and its version. */
  client: string | null;
  version: string | null;
  connectedAt: number;
}

export interface EngineStatus {
  pid: number;
  version: string;
  build: string | null;
  protocol: number;
  store: string;
  socket: string;
  startedAt: number;
  uptimeMs: number;
  idleTimeoutMs: number;
  clients: ClientInfo[];
  /** Where the HTTP API and dashboard are, when this engine serves them (`labbook serve`, `labbook ui`). */
  http: { url: string; clients: number } | null;
}
