import { fillTemplate } from '../spec/command-template.js';
import type { JsonObject, JsonValue } from '../spec/types.js';
import { jsonOnce } from '../util/json-once.js';

/** What the built-in placeholders ({run_id}, {run_dir}, {experiment}, {attempt}) stand for. */
export interface RunBuiltins {
  run_id: number;
  run_dir: string;
  experiment: string;
  attempt: number;
}

/**
 * The argv of one run: each `{name}` filled from the built-ins, the parameters (dotted
 * paths reach into groups) or the settings (`{settings.x}` or `{x}`). Strings go in as they
 * are, other values as JSON (`0.1`, `true`, `[1,2]`).
 */
export function runArgv(template: readonly string[], params: JsonObject, settings: JsonObject, builtins: RunBuiltins): string[] {
  const lookup = (name: string): string => {
    if (name in builtins) return String(builtins[name as keyof RunBuiltins]);
    // A parameter whose value is null is that parameter (JSON null), not a reason to look among the settings.
    const param = name.startsWith('settings.') ? undefined : valueAt(params, name);
    const value = name.startsWith('settings.') ? valueAt(settings, name.slice(9)) : param !== undefined ? param : valueAt(settings, name);
    // The spec validator rejected unknown placeholders; a missing one is a parameter absent from this run.
    return value === undefined ? '' : asArgument(value);
  };
  return template.map((part) => fillTemplate(part, lookup));
}

/**
 * The environment a run gets on top of the worker's; with `devices`, the GPUs lent to it are the
 * only ones it sees. A command's also says where its protocol channel is (LABBOOK_CHANNEL_FD); a
 * Python slot's run speaks on the slot's connection.
 */
export function runEnvironment(
  run: { params: JsonObject; hash: string },
  settings: JsonObject,
  builtins: RunBuiltins,
  storeDir: string,
  devices?: readonly string[],
): Record<string, string> {
  return {
    LABBOOK_RUN_ID: String(builtins.run_id),
    LABBOOK_RUN_HASH: run.hash,
    LABBOOK_RUN_DIR: builtins.run_dir,
    LABBOOK_EXPERIMENT: builtins.experiment,
    LABBOOK_ATTEMPT: String(builtins.attempt),
    LABBOOK_PARAMS: JSON.stringify(run.params),
    LABBOOK_SETTINGS: jsonOnce(settings),
    LABBOOK_STORE: storeDir,
    ...(devices && { CUDA_VISIBLE_DEVICES: devices.join(',') }),
  };
}

function valueAt(object: JsonObject, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[part];
  }
  return current;
}

function asArgument(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
