import type { JsonValue } from '../spec/types.js';

const RANK = { null: 0, boolean: 1, number: 2, string: 3, object: 4 } as const;

/** A total order over JSON values for sorting groups: null, booleans, numbers, strings, the rest. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
}

function rank(value: JsonValue): number {
  if (value === null) return RANK.null;
  if (Array.isArray(value)) return RANK.object;
  return RANK[typeof value as 'boolean' | 'number' | 'string' | 'object'];
}
