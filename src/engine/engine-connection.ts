import type { Socket } from 'node:net';
import { BadRequestError, EngineInternalError, LabbookError } from '../errors.js';
import { LineSplitter } from '../runner/line-splitter.js';
import type { StopSignal } from '../runner/session.js';
import { dispatch } from './dispatch.js';
import type { ClientInfo, EngineState, Session } from './engine-state.js';
import { type Answer, type ErrorBody, errorBody, type Request, type RequestId } from './protocol.js';

/**
 * One client's connection: requests are handled as they arrive, several at a time, and each
 * is answered when it is done, so answers may come in another order than their requests.
 */
export class ClientConnection implements Session {
  private hello: { version: string; client?: string | undefined } | undefined;
  /** Requests read and not yet answered. */
  private pending = 0;
  private readonly closeListeners: Array<() => void> = [];
  readonly drives = new Map<RequestId, (signal: StopSignal) => void>();

  constructor(
    private readonly socket: Socket,
    private readonly engine: EngineState,
    readonly peerPid: number,
    private readonly connectedAt: number,
    private readonly log: (message: string) => void,
  ) {}

  get greeted(): boolean {
    return this.hello !== undefined;
  }

  greet(hello: { version: string; client?: string | undefined }): void {
    this.hello = hello;
  }

  onClose(listener: () => void): void {
    if (this.socket.destroyed) listener();
    else this.closeListeners.push(listener);
  }

  get info(): ClientInfo {
    return { pid: this.peerPid, client: this.hello?.client ?? null, version: this.hello?.version ?? null, connectedAt: this.connectedAt };
  }

  /** Requests being handled. */
  get inFlight(): number {
    return this.pending;
  }

  /** Starts reading requests. */
  serve(): void {
    const lines = new LineSplitter((line) => this.onLine(line));
    this.socket.on('data', (chunk: Buffer) => lines.push(chunk));
    this.socket.on('close', () => {
      for (const listener of this.closeListeners.splice(0)) listener();
    });
    this.socket.resume();
  }

  /** Closes the connection once what is written has been sent. */
  close(): void {
    this.socket.end();
  }

  private onLine(text: string): void {
    if (text.trim() === '') return;
    const request = parseRequest(text);
    if ('error' in request) {
      this.write({ id: request.id, ok: false, error: errorBody(request.error) });
      return;
    }
    this.pending++;
    void this.answer(request).finally(() => this.pending--);
  }

  private async answer(request: Request): Promise<void> {
    const send = (rows: unknown[]) => this.sendChunk(request.id, rows);
    try {
      const value = await dispatch(request.method, request.params, { engine: this.engine, session: this, id: request.id, send });
      this.write({ id: request.id, ok: true, value: value ?? null });
    } catch (error) {
      // A client that hung up (mid-stream, say) is owed no answer, and is no bug.
      if (this.socket.writable) this.write({ id: request.id, ok: false, error: this.failure(request.method, error) });
    }
  }

  private failure(method: string, error: unknown): ErrorBody {
    if (error instanceof LabbookError) return errorBody(error);
    this.log(`internal error in '${method}': ${(error as Error).stack ?? error}`);
    const internal = new EngineInternalError(
      `the engine failed on '${method}': ${(error as Error).message}. This is a bug in labbook; its log has the details.`,
    );
    return errorBody(internal);
  }

  private write(answer: Answer): void {
    if (this.socket.writable) this.socket.write(line(answer));
  }

  /** Writes a chunk, and waits until the socket can take more (the client reads as fast as it can). */
  private async sendChunk(id: RequestId, rows: unknown[]): Promise<void> {
    if (!this.socket.writable) throw new Error('the client closed the connection');
    if (this.socket.write(line({ id, chunk: rows }))) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done).off('close', done);
        resolve();
      };
      this.socket.on('drain', done).on('close', done);
    });
  }
}

function line(message: object): string {
  return `${JSON.stringify(message)}\n`;
}

/** The request on a line, or what is wrong with the line (with the request's id when it has one). */
function parseRequest(text: string): Request | { id: RequestId | null; error: BadRequestError } {
  const refuse = (message: string, id: RequestId | null = null) => ({ id, error: new BadRequestError(message) });
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return refuse(`a line that is not JSON: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`);
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return refuse('a line that is not a JSON object');
  const { id, method, params } = message as Record<string, unknown>;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
    return refuse('a request without an id: each request has an "id" (a number or a string) that its answer repeats');
  }
  if (typeof method !== 'string') return refuse('a request without a "method" (a text such as "ping")', id);
  return { id, method, params };
}
