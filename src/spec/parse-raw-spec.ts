import { didYouMean } from '../util/closest-matches.js';
import { isPlainObject } from './json-value.js';
import { type RawSpec, rawSpecSchema, SPEC_KEYS } from './raw-spec-schema.js';
import type { PathIssue } from './spec-issue.js';

type SpecKey = keyof RawSpec;

export interface ParsedRawSpec {
  /** The valid fields; an invalid one has its default (or is absent), so that the checks across fields can go on. */
  raw: RawSpec;
  /** The top-level keys whose values were refused: checks that depend on them are skipped. */
  invalid: ReadonlySet<SpecKey>;
}

/** The keys of the strict mappings below the top level. */
const NESTED_KEYS: Record<string, readonly string[]> = {
  resources: ['cpus', 'gpus', 'memory', 'time'],
  code: ['snapshot', 'allowDirty'],
};

/**
 * Parses each top-level field of a spec on its own, so that a bad `retries` and a bad
 * placeholder are reported together rather than one after the other. Undefined when the
 * spec is not a mapping at all (the one issue pushed says so).
 */
export function parseRawSpec(input: unknown, issues: PathIssue[]): ParsedRawSpec | undefined {
  if (!isPlainObject(input)) {
    issues.push({
      path: [],
      message: 'a spec must be a mapping with at least a name and parameters, e.g. name: sweep / parameters: {lr: [0.1, 0.01]}',
    });
    return undefined;
  }
  for (const key of Object.keys(input)) {
    if (!SPEC_KEYS.includes(key)) issues.push(unknownKey([], key, SPEC_KEYS));
  }
  const raw: Record<string, unknown> = {};
  const invalid = new Set<SpecKey>();
  for (const [key, schema] of Object.entries(rawSpecSchema.shape)) {
    const parsed = schema.safeParse(input[key]);
    const value = parsed.success ? parsed.data : schema.safeParse(undefined).data;
    if (!parsed.success) {
      invalid.add(key as SpecKey);
      issues.push(...parsed.error.issues.map((issue) => toPathIssue({ ...issue, path: [key, ...issue.path] })));
    }
    if (value !== undefined) raw[key] = value;
  }
  return { raw: raw as RawSpec, invalid };
}

function unknownKey(path: Array<string | number>, key: string, known: readonly string[]): PathIssue {
  return { path: [...path, key], message: `unknown key '${key}'${didYouMean(key, known)} (known keys: ${known.join(', ')})` };
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  /** The type found, for invalid_type ('undefined' when the key is missing). */
  received?: unknown;
}

function toPathIssue(issue: ZodIssueLike): PathIssue {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys)
    return unknownKey(path, issue.keys[0] as string, NESTED_KEYS[String(path[0])] ?? []);
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return { path, message: `is missing: ${issue.message}` };
  return { path, message: issue.message };
}
