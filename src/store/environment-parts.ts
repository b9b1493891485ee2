import { createHash } from 'node:crypto';
import { sharedBaseOf } from '../domain/environment-base.js';
import type { JsonValue } from '../spec/types.js';
import { jsonOnce } from '../util/json-once.js';

/**
 * Every run stores its environment, and the runs of one worker share most of it: a Python
 * command's package list, the git diff. Strings and lists whose JSON is longer than
 * PART_MIN_LENGTH, at any depth, are stored once by content (sha256) and referred to as
 * {"$part": sha256}; backends keep the parts in a table of their own. An environment made
 * with onSharedBase (domain/environment-base.ts: what a worker captured once, and the run's
 * own keys) is stored as {"$base": sha256, ...its own keys}, the base once as a part. Reading
 * puts them back, so callers see the whole value.
 */
export const PART_MIN_LENGTH = 1024;

export interface SplitEnvironment {
  skeleton: JsonValue;
  /** sha256 → JSON text of the part. */
  parts: ReadonlyMap<string, string>;
}

/** The parts of several environments' splits, each split's once: the runs of a worker share theirs. */
export function partsOfSplits(splits: Iterable<SplitEnvironment | undefined>): Map<string, string> {
  const seen = new Set<SplitEnvironment>();
  const parts = new Map<string, string>();
  for (const split of splits) {
    if (split === undefined || seen.has(split)) continue;
    seen.add(split);
    for (const [sha256, text] of split.parts) parts.set(sha256, text);
  }
  return parts;
}

/**
 * The JSON text a store keeps for an environment: its skeleton's (made once per split: the runs of
 * a worker without a seed share one environment, hence one split).
 */
export function skeletonJson({ skeleton }: SplitEnvironment): string {
  return typeof skeleton === 'object' && skeleton !== null ? jsonOnce(skeleton) : JSON.stringify(skeleton);
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
  const shared = typeof value === 'object' ? sharedBaseOf(value) : undefined;
  if (shared) result = splitOnBase(shared.base, shared.own);
  else if (typeof value === 'object' && !Array.isArray(value)) {
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

/** Bases split before, by identity, as their reference and their parts (the base itself among them). */
const bases = new WeakMap<object, { sha256: string; parts: ReadonlyMap<string, string> }>();

/** The base's skeleton as a part of its own (its parts with it), then the own keys split. */
function splitOnBase(base: Record<string, JsonValue>, own: Record<string, JsonValue>): SplitEnvironment {
  let shared = bases.get(base);
  if (!shared) {
    const split = splitEnvironment(base);
    const text = JSON.stringify(split.skeleton);
    const sha256 = createHash('sha256').update(text).digest('hex');
    shared = { sha256, parts: new Map([...split.parts, [sha256, text]]) };
    bases.set(base, shared);
  }
  const ownSplit = splitEnvironment(own);
  const parts = ownSplit.parts.size === 0 ? shared.parts : new Map([...shared.parts, ...ownSplit.parts]);
  return { skeleton: { $base: shared.sha256, ...(ownSplit.skeleton as Record<string, JsonValue>) }, parts };
}

/** Reads the parts of a skeleton, from a database that answers at once (SQLite). */
export function readEnvironment(skeleton: JsonValue, readParts: (sha256s: string[]) => ReadonlyMap<string, string>): JsonValue {
  const rounds = partRounds(skeleton);
  let round = rounds.next();
  while (!round.done) round = rounds.next(readParts(round.value));
  return round.value;
}

/** Reads the parts of a skeleton, from a database that answers later (PostgreSQL). */
export async function readEnvironmentAsync(
  skeleton: JsonValue,
  readParts: (sha256s: string[]) => Promise<ReadonlyMap<string, string>>,
): Promise<JsonValue> {
  const rounds = partRounds(skeleton);
  let round = rounds.next();
  while (!round.done) round = rounds.next(await readParts(round.value));
  return round.value;
}

/**
 * The whole environment a stored skeleton stands for: yields the sha256s of the parts it needs
 * and is given the texts of those that exist (a base's own parts are asked for once its text
 * is read); a missing part reads as null.
 */
function* partRounds(skeleton: JsonValue): Generator<string[], JsonValue, ReadonlyMap<string, string>> {
  const texts = new Map<string, string>();
  for (let wanted = partsOf(skeleton); wanted.length > 0; ) {
    const read = yield wanted;
    const next: string[] = [];
    for (const [sha256, text] of read) {
      texts.set(sha256, text);
      // A base is an object's skeleton; the other parts are strings and lists, stored whole.
      if (text.startsWith('{')) next.push(...partsOf(JSON.parse(text) as JsonValue).filter((inner) => !texts.has(inner)));
    }
    wanted = next;
  }
  return joinEnvironment(skeleton, (sha256) => texts.get(sha256));
}

/** The sha256 of every part a skeleton refers to (not those inside its base). */
function partsOf(skeleton: JsonValue): string[] {
  const found: string[] = [];
  const walk = (value: JsonValue): void => {
    if (value === null || typeof value !== 'object') return;
    if (isPartRef(value)) found.push(value.$part);
    else if (Array.isArray(value)) for (const inner of value) walk(inner);
    else
      for (const [key, inner] of Object.entries(value)) {
        if (key === '$base' && typeof inner === 'string') found.push(inner);
        else walk(inner);
      }
  };
  walk(skeleton);
  return found;
}

function joinEnvironment(skeleton: JsonValue, partText: (sha256: string) => string | undefined): JsonValue {
  const part = (sha256: string): JsonValue => {
    const text = partText(sha256);
    return text === undefined ? null : (JSON.parse(text) as JsonValue);
  };
  const join = (value: JsonValue): JsonValue => {
    if (value === null || typeof value !== 'object') return value;
    if (isPartRef(value)) return part(value.$part);
    if (Array.isArray(value)) return value.map(join);
    const { $base, ...own } = value;
    const base = typeof $base === 'string' ? join(part($base)) : null;
    const joined = Object.fromEntries(Object.entries(typeof $base === 'string' ? own : value).map(([key, inner]) => [key, join(inner)]));
    return base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...base, ...joined } : joined;
  };
  return join(skeleton);
}

function isPartRef(value: object): value is { $part: string } {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$part' && typeof (value as { $part: unknown }).$part === 'string';
}
