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
  const pending: Array<{ container: unknown[] | Record<string, unknown>; path: Array<string | number> }> = [];
  // A value reached twice (a YAML alias) is looked at once: aliases of aliases would otherwise take exponential time.
  const seen = new Set<object>();
  // Paths are built only for containers and problems: a grid of 100,000 values stays cheap.
  const look = (item: unknown, at: () => Array<string | number>): void => {
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) issues.push({ path: at(), message: `the text ${problem}; remove it` });
      return;
    }
    if (typeof item !== 'object' || item === null || seen.has(item) || !(Array.isArray(item) || isPlainObject(item))) return;
    seen.add(item);
    const path = at();
    if (path.length - root.length < MAX_VALUE_DEPTH) pending.push({ container: item, path });
    else {
      // Named by its entry (parameters.a), not by a path of 64 indices.
      issues.push({
        path: path.slice(0, root.length + 2),
        message: `nests lists or mappings more than ${MAX_VALUE_DEPTH} levels deep; flatten it`,
      });
      tooDeep = true;
    }
  };
  look(value, () => root);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { container, path } = next;
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) look(container[i], () => [...path, i]);
      continue;
    }
    for (const [key, item] of Object.entries(container)) {
      const keyProblem = key === '__proto__' ? "'__proto__' is reserved by JavaScript" : textProblem(key);
      if (keyProblem) issues.push({ path: [...path, key], message: `the key ${keyProblem}; rename it` });
      else look(item, () => [...path, key]);
    }
  }
  return { issues, tooDeep };
}

function textProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'holds a NUL character (\\0), which would cut it short where a run receives it';
  if (!text.isWellFormed()) return 'holds an unpaired UTF-16 surrogate (an escape such as \\ud800), which is no character';
  return undefined;
}
