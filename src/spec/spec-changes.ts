import { canonicalJson } from './canonical-json.js';
import { isPlainObject } from './json-value.js';
import type { JsonObject, JsonValue } from './types.js';

/** Values longer than this are named, not shown. */
const SHOWN_LENGTH = 40;

/**
 * What differs from one raw spec to the next, to tell the user what a new version changes:
 * settings one by one (`settings.k: 1 → 2`), the other keys with their values when short
 * (`command: "echo v1" → "echo v2"`) or by name (`parameters`).
 */
export function describeSpecChanges(before: JsonValue, after: JsonValue): string[] {
  const old = objectOf(before);
  const now = objectOf(after);
  return unionOfKeys(old, now).flatMap((key) => {
    if (key !== 'settings') return changeOf(key, old[key], now[key]);
    const [oldSettings, newSettings] = [objectOf(old.settings), objectOf(now.settings)];
    return unionOfKeys(oldSettings, newSettings).flatMap((name) => changeOf(`settings.${name}`, oldSettings[name], newSettings[name]));
  });
}

/** The keys that make the grid: what a planned run takes of them is its own parameters. */
const GRID_KEYS = new Set(['parameters', 'seeds', 'exclude', 'include']);

/**
 * Whether two raw specs differ in more than their grids: then a run planned with one
 * executes otherwise than with the other (its settings, command, timeout, retries, …).
 */
export function differsBeyondGrid(before: JsonValue, after: JsonValue): boolean {
  const rest = (spec: JsonValue) =>
    canonicalJson(Object.fromEntries(Object.entries(objectOf(spec)).filter(([key]) => !GRID_KEYS.has(key))) as JsonObject);
  return rest(before) !== rest(after);
}

function changeOf(key: string, before: JsonValue | undefined, after: JsonValue | undefined): string[] {
  if (same(before, after)) return [];
  if (before === undefined) return [`${key} added${shown(after, ': ')}`];
  if (after === undefined) return [`${key} removed`];
  const [was, is] = [JSON.stringify(before), JSON.stringify(after)];
  return [was.length <= SHOWN_LENGTH && is.length <= SHOWN_LENGTH ? `${key}: ${was} → ${is}` : key];
}

function shown(value: JsonValue | undefined, prefix: string): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= SHOWN_LENGTH ? `${prefix}${text}` : '';
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a === undefined || b === undefined ? a === b : canonicalJson(a) === canonicalJson(b);
}

function objectOf(value: JsonValue | undefined): Record<string, JsonValue | undefined> {
  return isPlainObject(value) ? (value as Record<string, JsonValue>) : {};
}

function unionOfKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}
