import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Params } from './types.js';

/** A run's identity within its experiment: sha256 (hex) of its parameters' canonical JSON. */
export function runHash(params: Params): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex');
}
