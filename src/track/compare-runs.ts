import { createHash } from 'node:crypto';
import type { MetricSummary } from '../domain/index.js';
import type { JsonValue, Params } from '../spec/types.js';

/** What `labbook diff` compares of one run. */
export interface RunFacts {
  params: Params;
  environment: JsonValue | undefined;
  summaries: readonly MetricSummary[];
}

export interface Difference {
  key: string;
  /** undefined: the run has no such key. */
  a: JsonValue | undefined;
  b: JsonValue | undefined;
  same: boolean;
}

export interface RunComparison {
  params: Difference[];
  environment: Difference[];
  /** The final (last) value of each metric. */
  metrics: Difference[];
}

/** Side by side, key by key: parameters, environment and final metric values of two runs. */
export function compareRuns(a: RunFacts, b: RunFacts): RunComparison {
  return {
    params: sideBySide(flatten(a.params), flatten(b.params)),
    environment: compareEnvironments(a.environment, b.environment),
    metrics: sideBySide(finalValues(a.summaries), finalValues(b.summaries)),
  };
}

/** A run without a recorded environment (e.g. never started) differs once, not in every field. */
function compareEnvironments(a: JsonValue | undefined, b: JsonValue | undefined): Difference[] {
  if (a === undefined && b === undefined) return [];
  if (a === undefined || b === undefined) {
    const recorded = (env: JsonValue | undefined) => (env === undefined ? 'not recorded' : 'recorded');
    return [{ key: '(environment)', a: recorded(a), b: recorded(b), same: false }];
  }
  return sideBySide(flattenEnvironment(a), flattenEnvironment(b));
}

function sideBySide(a: Map<string, JsonValue>, b: Map<string, JsonValue>): Difference[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.map((key) => {
    const left = a.get(key);
    const right = b.get(key);
    return { key, a: left, b: right, same: JSON.stringify(left) === JSON.stringify(right) };
  });
}

/** `{optimizer: {lr: 0.1}}` → `optimizer.lr` = 0.1; arrays stay whole values. */
function flatten(value: JsonValue | undefined, prefix = '', into = new Map<string, JsonValue>()): Map<string, JsonValue> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix && value !== undefined) {
    into.set(prefix, value);
  }
  return into;
}

/**
 * The environment, flattened for comparison: the git diff becomes its size and hash (the
 * patch itself is in `labbook show`), the package list one key per package.
 */
function flattenEnvironment(environment: JsonValue): Map<string, JsonValue> {
  const flat = flatten(environment);
  const diff = flat.get('git.diff');
  if (typeof diff === 'string') {
    flat.set(
      'git.diff',
      diff === '' ? '' : `${diff.split('\n').length} lines, sha256 ${createHash('sha256').update(diff).digest('hex').slice(0, 12)}`,
    );
  }
  const packages = flat.get('python.packages');
  if (Array.isArray(packages)) {
    flat.delete('python.packages');
    for (const entry of packages) {
      const [name, version] = String(entry).split('==');
      flat.set(`python.packages.${name}`, version ?? '');
    }
  }
  return flat;
}

function finalValues(summaries: readonly MetricSummary[]): Map<string, JsonValue> {
  return new Map(summaries.map((s) => [s.key, s.last]));
}
