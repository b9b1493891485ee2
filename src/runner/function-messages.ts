import type { MetricPoint } from '../domain/index.js';
import type { JsonObject, JsonValue } from '../spec/types.js';

/** Messages between the function executor and its worker threads. */

/** Which run a function call is: what its ctx tells the function about itself. */
export interface RunIdentity {
  runId: number;
  attempt: number;
  experiment: string;
  runDir: string;
  params: JsonObject;
  settings: JsonObject;
}

export interface RunMessage extends RunIdentity {
  type: 'run';
  modulePath: string;
  exportName: string;
}

export type ToThread =
  | RunMessage
  | { type: 'reply'; requestId: number; ok: true; value: JsonValue }
  | { type: 'reply'; requestId: number; ok: false; error: string };

export type FromThread =
  | { type: 'metrics'; runId: number; points: MetricPoint[] }
  | { type: 'log'; runId: number; level: 'debug' | 'info' | 'warning' | 'error'; message: string }
  | { type: 'checkpoint'; runId: number; requestId: number; bytes: Uint8Array }
  | { type: 'restore'; runId: number; requestId: number }
  | { type: 'checkpoint_exists'; runId: number; requestId: number }
  | { type: 'preempted'; runId: number; requestId: number }
  | { type: 'artifact'; runId: number; requestId: number; name: string; path: string; mediaType?: string }
  | { type: 'done'; runId: number; result: JsonValue }
  | { type: 'failed'; runId: number; error: string };
