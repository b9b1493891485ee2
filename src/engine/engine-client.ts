import { connect, type Socket } from 'node:net';
import { EngineReportedError, EngineUnavailableError } from '../errors.js';
import { LineSplitter } from '../runner/line-splitter.js';
import type { Answer, Chunk, RequestId } from './protocol.js';

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onChunk?: (rows: unknown[]) => void;
}

/** The engine closed the connection (it stopped, or refused this client) before answering. */
export class ConnectionClosedError extends EngineUnavailableError {}

/**
 * One connection to an engine: requests with ids, several in flight, each promise settled by
 * the answer with its id; errors the engine answers reject with its code (EngineReportedError).
 */
export class EngineClient {
  private readonly waiting = new Map<RequestId, Waiting>();
  private nextId = 1;
  /** Why the connection is over, once it is. */
  private ended: Error | undefined;
  /** Resolves when the engine or this client closed the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    const lines = new LineSplitter((line) => this.onLine(line));
    socket.on('data', (chunk: Buffer) => lines.push(chunk));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.end(this.ended ?? new ConnectionClosedError('the engine closed the connection before it answered'));
        resolve();
      }),
    );
    socket.on('error', (error) => this.end(new ConnectionClosedError(`the connection to the engine failed: ${error.message}`)));
  }

  /** Connects to the socket; rejects with the system's error (ENOENT, ECONNREFUSED…) when no engine listens there. */
  static connect(socketPath: string): Promise<EngineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new EngineClient(socket));
      });
    });
  }

  request<T = unknown>(method: string, params?: unknown): Promise<T> {
    return this.send(method, params) as Promise<T>;
  }

  /** A streamed request: `onChunk` gets the rows as they come; resolves with the final answer. */
  stream<T, R = unknown>(method: string, params: unknown, onChunk: (rows: T[]) => void): Promise<R> {
    return this.send(method, params, onChunk as (rows: unknown[]) => void) as Promise<R>;
  }

  /** Drops the connection; requests still waiting for their answer are rejected. */
  close(): void {
    this.socket.destroy();
  }

  private send(method: string, params: unknown, onChunk?: (rows: unknown[]) => void): Promise<unknown> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, ...(onChunk && { onChunk }) });
      this.socket.write(`${JSON.stringify({ id, method, ...(params !== undefined && { params }) })}\n`);
    });
  }

  private onLine(line: string): void {
    let message: Answer | Chunk;
    try {
      message = JSON.parse(line);
    } catch {
      this.end(new ConnectionClosedError(`the engine sent a line that is not JSON (${line.slice(0, 80)}); is it a labbook engine?`));
      this.socket.destroy();
      return;
    }
    if ('chunk' in message) {
      this.waiting.get(message.id)?.onChunk?.(message.chunk);
      return;
    }
    const error = message.ok ? undefined : new EngineReportedError(message.error);
    // An error about no request in particular (a refused client) is about all of them.
    if (message.id === null) {
      if (error) this.end(error);
      return;
    }
    const waiting = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    if (error) waiting?.reject(error);
    else waiting?.resolve((message as { value: unknown }).value);
  }

  private end(error: Error): void {
    this.ended ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(this.ended);
    this.waiting.clear();
  }
}
