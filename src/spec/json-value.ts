import type { JsonObject, JsonValue } from './types.js';

/** Why `value` is not plain JSON (undefined if it is): non-finite numbers, functions, dates, … */
export function jsonProblem(value: unknown): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${value} is not a finite number`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonProblem(item);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const item of Object.values(value)) {
      const problem = jsonProblem(item);
      if (problem) return problem;
    }
    return undefined;
  }
  return `a ${value instanceof Date ? 'date (write it as a quoted string)' : typeof value} is not a JSON value`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Dotted paths of every key of a mapping and of the mappings inside it: `data`, `data.root`. */
export function keyPaths(object: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isPlainObject(value) ? [path, ...keyPaths(value, path)] : [path];
  });
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return isPlainObject(value);
}

/** A short rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the text '${value}'`;
  return `${typeof value} ${String(value)}`;
}
