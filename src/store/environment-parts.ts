import { createHash } from 'node:crypto';
import type { JsonValue } from '../spec/types.js';

/**
 * Every run stores its environment, and the runs of one worker share most of it: a Python
 * command's package list, the git diff. Strings and lists whose JSON is longer than
 * PART_MIN_LENGTH, at any depth, are stored once by content (sha256) and referred to as
 * {"$part": sha256}; backends keep the parts in a table of their own. Reading puts them
 * back, so callers see the whole value.
 */
export const PART_MIN_LENGTH = 1024;

export interface SplitEnvironment {
  skeleton: JsonValue;
  /** sha256 → JSON text of the part. */
  parts: ReadonlyMap<string, string>;
}

const NO_PARTS: ReadonlyMap<string, string> = new Map();

/**
 * Splits of objects and lists seen before, by identity: a worker stores the same captured
 * environment (the same package list, the same git state) with every run, and JSON-encoding
 * and hashing it again per run would cost more than a short run. Environments are never
 * changed once captured.
 */
const splits = new WeakMap<object, SplitEnvironment>();

export function splitEnvironment(value: JsonValue): SplitEnvironment {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { skeleton: value, parts: NO_PARTS };
  if (typeof value === 'object') {
    const known = splits.get(value);
    if (known) return known;
  }
  let result: SplitEnvironment;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const parts = new Map<string, string>();
    const skeleton: Record<string, JsonValue> = {};
    for (const [key, inner] of Object.entries(value)) {
      const part = splitEnvironment(inner);
      skeleton[key] = part.skeleton;
      for (const [sha256, text] of part.parts) parts.set(sha256, text);
    }
    result = { skeleton, parts };
  } else {
    const text = JSON.stringify(value);
    if (text.length <= PART_MIN_LENGTH) result = { skeleton: value, parts: NO_PARTS };
    else {
      const sha256 = createHash('sha256').update(text).digest('hex');
      result = { skeleton: { $part: sha256 }, parts: new Map([[sha256, text]]) };
    }
  }
  if (typeof value === 'object') splits.set(value, result);
  return result;
}

/** The sha256 of every part a skeleton refers to. */
export function partsOf(skeleton: JsonValue): string[] {
  const found: string[] = [];
  const walk = (value: JsonValue): void => {
    if (value === null || typeof value !== 'object') return;
    if (isPartRef(value)) found.push(value.$part);
    else for (const inner of Array.isArray(value) ? value : Object.values(value)) walk(inner);
  };
  walk(skeleton);
  return found;
}

export function joinEnvironment(skeleton: JsonValue, partText: (sha256: string) => string | undefined): JsonValue {
  const join = (value: JsonValue): JsonValue => {
    if (value === null || typeof value !== 'object') return value;
    if (isPartRef(value)) {
      const text = partText(value.$part);
      return text === undefined ? null : (JSON.parse(text) as JsonValue);
    }
    if (Array.isArray(value)) return value.map(join);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, join(inner)]));
  };
  return join(skeleton);
}

function isPartRef(value: object): value is { $part: string } {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$part' && typeof (value as { $part: unknown }).$part === 'string';
}
