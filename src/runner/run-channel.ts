import { isAbsolute, join } from 'node:path';
import type { MetricPoint } from '../domain/index.js';
import type { JsonValue } from '../spec/types.js';
import type { LogLevel, RunRecorder } from './run-recorder.js';
import type { RunConnection } from './spawner.js';

/**
 * The worker's side of the fd-3 protocol (docs/protocol.md): JSON lines from the run are
 * recorded; requests are answered in order, after every message sent before them is handled.
 * A malformed line is a warning in the run's labbook.log, never an error of the worker.
 */

export interface ChannelOptions {
  /** Answer to `should_prune` (a plain grid never prunes; a study's trial asks its pruner). */
  shouldPrune?: (step: number, value: number) => boolean | Promise<boolean>;
  /** Answer to `preempted`: whether the worker is going away (see src/runner/preemption.ts); false when absent. */
  preempted?: () => boolean;
  now: () => number;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

class BadMessage extends Error {}

/** Serves one run's connection; resolves when the run closed it and every message is handled. */
export function serveChannel(connection: RunConnection, recorder: RunRecorder, options: ChannelOptions): Promise<void> {
  let lineNumber = 0;
  let handling: Promise<void> | undefined;
  /** Messages waiting in `handling`: while there are any, the next one waits its turn too. */
  let waiting = 0;
  // An answer starts with `{"id":`: a Python driver's slot tells answers from the runs sent ahead by that.
  const reply = (id: number, body: { ok: true; value: JsonValue } | { ok: false; error: { code: string; message: string } }) => {
    connection.send(`${JSON.stringify({ id, ...body })}\n`);
  };
  const warn = (line: number, problem: string) => recorder.log('warning', `fd3 line ${line}: ${problem}; line ignored`);
  const fail = (line: number, id: number | undefined, error: unknown) => {
    const text = error instanceof BadMessage ? error.message : `could not be handled: ${(error as Error).message}`;
    warn(line, text);
    if (id !== undefined) reply(id, { ok: false, error: { code: 'LB_PROTOCOL_BAD_REQUEST', message: text } });
  };

  connection.onLine((line) => {
    const number = ++lineNumber;
    if (line.trim() === '') return;
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadMessage('not a JSON object');
      message = parsed as Record<string, unknown>;
    } catch (error) {
      warn(number, error instanceof BadMessage ? error.message : `not JSON (${excerpt(line)})`);
      return;
    }
    // Metrics are buffered synchronously (the hot path); everything else keeps its order.
    if (message.type === 'metrics' && message.id === undefined) {
      try {
        recorder.metrics(metricPoints(message, options.now()));
      } catch (error) {
        warn(number, (error as Error).message);
      }
      return;
    }
    const id = typeof message.id === 'number' && Number.isInteger(message.id) ? message.id : undefined;
    // A message that needs no await (a result, a log line) is handled at once when none waits before it.
    if (waiting === 0) {
      let value: JsonValue | typeof LATER;
      try {
        value = handleAtOnce(message, recorder, options);
      } catch (error) {
        fail(number, id, error);
        return;
      }
      if (value !== LATER) {
        if (id !== undefined) reply(id, { ok: true, value });
        return;
      }
    }
    waiting++;
    handling = (handling ?? Promise.resolve()).then(async () => {
      try {
        const value = await handleRunMessage(message, recorder, options);
        if (id !== undefined) reply(id, { ok: true, value });
      } catch (error) {
        fail(number, id, error);
      } finally {
        waiting--;
      }
    });
  });
  return connection.closed.then(() => handling);
}

/** What handleAtOnce answers for a message that needs an await (the store, a file). */
const LATER = Symbol('later');

/** Records a message that needs no await, or answers it; LATER for the others. */
function handleAtOnce(message: Record<string, unknown>, recorder: RunRecorder, options: ChannelOptions): JsonValue | typeof LATER {
  switch (message.type) {
    case 'metrics':
      recorder.metrics(metricPoints(message, options.now()));
      return null;
    case 'result':
      if (!('value' in message)) throw new BadMessage("a 'result' message needs a 'value'");
      recorder.result = message.value as JsonValue;
      return null;
    case 'log': {
      const level = (message.level ?? 'info') as LogLevel;
      if (typeof message.message !== 'string') throw new BadMessage("a 'log' message needs a 'message' text");
      if (!LOG_LEVELS.includes(level)) throw new BadMessage(`log level '${String(level)}' is not one of ${LOG_LEVELS.join(', ')}`);
      recorder.log(level, message.message);
      return null;
    }
    case 'preempted':
      return options.preempted?.() ?? false;
    default:
      return LATER;
  }
}

/**
 * Records one message of the run protocol, or answers it (a request): what the channel does
 * with each line, and the engine with the messages of a run recorded by hand.
 */
export async function handleRunMessage(
  message: Record<string, unknown>,
  recorder: RunRecorder,
  options: ChannelOptions,
): Promise<JsonValue> {
  const atOnce = handleAtOnce(message, recorder, options);
  if (atOnce !== LATER) return atOnce;
  switch (message.type) {
    case 'artifact': {
      const name = requireText(message, 'name');
      const path = resolvePath(recorder.runDir, requireText(message, 'path'));
      const mediaType = typeof message.media_type === 'string' ? message.media_type : undefined;
      const stored = await recorder.artifact(name, path, mediaType);
      return { sha256: stored.sha256, size: stored.size };
    }
    case 'checkpoint': {
      const stored = await recorder.checkpointFile(resolvePath(recorder.runDir, requireText(message, 'path')));
      return { sha256: stored.sha256, size: stored.size };
    }
    case 'checkpoint_exists':
      return recorder.checkpointExists();
    case 'restore': {
      const restored = await recorder.restore();
      return restored ? { path: restored.path, sha256: restored.sha256, size: restored.size } : null;
    }
    case 'should_prune': {
      const step = message.step;
      const value = message.value;
      if (typeof step !== 'number' || typeof value !== 'number') throw new BadMessage("'should_prune' needs a numeric 'step' and 'value'");
      return (await options.shouldPrune?.(step, value)) ?? false;
    }
    case 'flush':
      await recorder.flushMetrics();
      return null;
    default:
      throw new BadMessage(
        message.type === undefined
          ? "no 'type' field"
          : `unknown type '${String(message.type)}' (known: metrics, result, log, artifact, checkpoint, checkpoint_exists, restore, should_prune, preempted, flush)`,
      );
  }
}

/** Points of a `metrics` message, in either of its two forms. */
function metricPoints(message: Record<string, unknown>, now: number): MetricPoint[] {
  if (Array.isArray(message.points)) {
    const points: MetricPoint[] = [];
    for (const item of message.points) {
      if (!Array.isArray(item) || typeof item[0] !== 'string') throw new BadMessage('each of points must be [key, step, value, time?]');
      points.push({ key: item[0], step: asStep(item[1]), value: asValue(item[2]), at: typeof item[3] === 'number' ? item[3] : now });
    }
    return points;
  }
  const values = message.values;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new BadMessage("a 'metrics' message needs 'values' ({key: number}) or 'points'");
  }
  const step = asStep(message.step);
  const at = typeof message.time === 'number' ? message.time : now;
  return Object.entries(values as Record<string, unknown>).map(([key, value]) => ({ key, step, value: asValue(value), at }));
}

function asStep(step: unknown): number | null {
  if (step === undefined || step === null) return null;
  if (typeof step !== 'number' || !Number.isInteger(step)) throw new BadMessage(`step ${JSON.stringify(step)} is not an integer`);
  return step;
}

function asValue(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') throw new BadMessage(`metric value ${excerpt(JSON.stringify(value) ?? String(value))} is not a number`);
  return Number.isFinite(value) ? value : null;
}

function requireText(message: Record<string, unknown>, field: string): string {
  const value = message[field];
  if (typeof value !== 'string' || value === '') throw new BadMessage(`a '${String(message.type)}' message needs a '${field}' text`);
  return value;
}

function resolvePath(runDir: string, path: string): string {
  return isAbsolute(path) ? path : join(runDir, path);
}

function excerpt(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
