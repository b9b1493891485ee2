import type { JsonValue } from '../spec/types.js';

type JsonRecord = Record<string, JsonValue>;

/** Environments made by onSharedBase: their base and their own keys. */
const derived = new WeakMap<object, { base: JsonRecord; own: JsonRecord }>();

/**
 * `base` (what a worker captured once) with `own`'s keys (the run's seed) over it. A store
 * keeps such an environment as a reference to the base, stored once, and the own keys: what
 * a worker stores with each run then costs the run's own keys (see store/environment-parts.ts).
 */
export function onSharedBase(base: JsonRecord, own: JsonRecord): JsonRecord {
  const environment = { ...base, ...own };
  derived.set(environment, { base, own });
  return environment;
}

/** The base and own keys of an environment made by onSharedBase, if it was. */
export function sharedBaseOf(environment: object): { base: JsonRecord; own: JsonRecord } | undefined {
  return derived.get(environment);
}
