import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { MetricPoint } from '../domain/index.js';
import type { JsonObject, JsonValue } from '../spec/types.js';
import type { FromThread, RunIdentity, RunMessage, ToThread } from './function-messages.js';

/**
 * A worker thread of the function executor: imports the spec's module once and calls its
 * export for each run it is given, with a ctx whose calls go to the worker's main thread.
 */

/** What a function run receives as its first argument. */
export interface FunctionContext extends RunIdentity {
  /** Logs metric values at a step (batched; stored with the run). */
  log(values: Record<string, number>, step?: number): void;
  /** A line in the run's labbook.log. */
  message(text: string, level?: 'debug' | 'info' | 'warning' | 'error'): void;
  /** Stores `state` (anything structured-cloneable) as the run's checkpoint. */
  checkpoint(state: unknown): Promise<void>;
  /** The latest checkpoint of this run (from an earlier attempt too), or undefined. */
  restore<T = unknown>(): Promise<T | undefined>;
  checkpointExists(): Promise<boolean>;
  /**
   * True once the worker is going away (a scheduler's cancel, time limit or preemption): the run
   * then has the worker's grace period to checkpoint and return; it goes back to the queue.
   */
  preempted(): Promise<boolean>;
  /** Stores a file as an artifact of the run. */
  artifact(name: string, path: string, mediaType?: string): Promise<void>;
}

export type RunFunction = (ctx: FunctionContext, config: JsonObject) => unknown;

const port = parentPort;
if (!port) throw new Error('function-thread.js runs as a worker thread of the function executor');

const modules = new Map<string, Promise<RunFunction>>();
const replies = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextRequest = 1;

function send(message: FromThread): void {
  port?.postMessage(message);
}

type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

function request(message: WithoutRequestId<Extract<FromThread, { requestId: number }>>): Promise<unknown> {
  const requestId = nextRequest++;
  return new Promise((resolve, reject) => {
    replies.set(requestId, { resolve, reject });
    send({ ...message, requestId } as FromThread);
  });
}

async function loadFunction(modulePath: string, exportName: string): Promise<RunFunction> {
  // TypeScript modules go through tsx's tsImport rather than Node's own type stripping, which
  // refuses what users' modules often have: enums, parameter properties, `./x.js` naming x.ts.
  const module = (
    /\.[cm]?ts$/.test(modulePath)
      ? await (await import('tsx/esm/api')).tsImport(pathToFileURL(modulePath).href, import.meta.url)
      : await import(pathToFileURL(modulePath).href)
  ) as Record<string, unknown>;
  const exported = module[exportName];
  if (typeof exported !== 'function') {
    const functions = Object.keys(module).filter((key) => typeof module[key] === 'function');
    throw new Error(
      `${modulePath} has no exported function '${exportName}'${functions.length ? ` (it exports: ${functions.join(', ')})` : ''}`,
    );
  }
  return exported as RunFunction;
}

function contextFor(run: RunMessage): FunctionContext {
  const { type: _type, modulePath: _module, exportName: _export, ...identity } = run;
  const { runId } = identity;
  return {
    ...identity,
    log(values, step) {
      const at = Date.now();
      const points: MetricPoint[] = Object.entries(values).map(([key, value]) => ({
        key,
        step: step ?? null,
        value: Number.isFinite(value) ? value : null,
        at,
      }));
      send({ type: 'metrics', runId, points });
    },
    message(text, level = 'info') {
      send({ type: 'log', runId, level, message: text });
    },
    async checkpoint(state) {
      await request({ type: 'checkpoint', runId, bytes: serialize(state) });
    },
    async restore<T>() {
      const path = (await request({ type: 'restore', runId })) as string | null;
      return path === null ? undefined : (deserialize(await readFile(path)) as T);
    },
    async checkpointExists() {
      return (await request({ type: 'checkpoint_exists', runId })) as boolean;
    },
    async preempted() {
      return (await request({ type: 'preempted', runId })) as boolean;
    },
    async artifact(name, path, mediaType) {
      await request({ type: 'artifact', runId, name, path, ...(mediaType !== undefined && { mediaType }) });
    },
  };
}

async function execute(run: RunMessage): Promise<void> {
  try {
    const key = `${run.modulePath}#${run.exportName}`;
    let fn = modules.get(key);
    if (!fn) {
      fn = loadFunction(run.modulePath, run.exportName);
      modules.set(key, fn);
    }
    const result = await (await fn)(contextFor(run), { ...run.params, settings: run.settings } as JsonObject);
    send({ type: 'done', runId: run.runId, result: toJson(result) });
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    send({ type: 'failed', runId: run.runId, error: text });
  }
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

port.on('message', (message: ToThread) => {
  if (message.type === 'run') {
    void execute(message);
  } else {
    const pending = replies.get(message.requestId);
    replies.delete(message.requestId);
    if (message.ok) pending?.resolve(message.value);
    else pending?.reject(new Error(message.error));
  }
});
