import { isPlainObject } from './json-value.js';
import type { PathIssue } from './spec-issue.js';

/** How deep lists and mappings may nest in a spec (its own mapping is the first level) or an override value. */
export const MAX_VALUE_DEPTH = 64;

export interface ValueProblems {
  issues: PathIssue[];
  /** Whether a value nests too deeply to be read further (recursively) at all. */
  tooDeep: boolean;
}

/**
 * What a spec must not hold, wherever it is, reported by key path: nesting deeper than
 * MAX_VALUE_DEPTH (it would exhaust the stack of every recursive reader), text with a NUL
 * (an argument of a run ends at it) or an unpaired surrogate (no UTF-8 can carry it), and
 * the key `__proto__` (JavaScript objects drop it silently). Iterative, so that a
 * 10,000-deep value is measured rather than overflowing.
 */
export function findValueProblems(value: unknown, root: Array<string | number> = []): ValueProblems {
  const issues: PathIssue[] = [];
  let tooDeep = false;
  const pending: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: root }];
  // A value reached twice (a YAML alias) is looked at once: aliases of aliases would otherwise take exponential time.
  const seen = new Set<object>();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    const problem = typeof value === 'string' ? textProblem(value) : undefined;
    if (problem) issues.push({ path, message: `the text ${problem}; remove it` });
    if (!Array.isArray(value) && !isPlainObject(value)) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    if (path.length - root.length >= MAX_VALUE_DEPTH) {
      // Named by its entry (parameters.a), not by a path of 64 indices.
      issues.push({
        path: path.slice(0, root.length + 2),
        message: `nests lists or mappings more than ${MAX_VALUE_DEPTH} levels deep; flatten it`,
      });
      tooDeep = true;
      continue;
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
    for (const [key, item] of entries) {
      const keyProblem =
        typeof key === 'string' ? (key === '__proto__' ? "'__proto__' is reserved by JavaScript" : textProblem(key)) : undefined;
      if (keyProblem) issues.push({ path: [...path, key], message: `the key ${keyProblem}; rename it` });
      else pending.push({ value: item, path: [...path, key] });
    }
  }
  return { issues, tooDeep };
}

function textProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'holds a NUL character (\\0), which would cut it short where a run receives it';
  if (!text.isWellFormed()) return 'holds an unpaired UTF-16 surrogate (an escape such as \\ud800), which is no character';
  return undefined;
}
