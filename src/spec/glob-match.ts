import { canonicalJson } from './canonical-json.js';
import type { Glob } from './sweep-functions.js';
import type { JsonValue } from './types.js';

/**
 * The values that match one of the glob's include patterns and none of its exclude ones, in
 * their order. Text is matched as it is, other values as their JSON (0.1, true).
 */
export function globValues(values: readonly JsonValue[], glob: Glob): JsonValue[] {
  const include = glob.include.map(globRegExp);
  const exclude = glob.exclude.map(globRegExp);
  return values.filter((value) => {
    const text = typeof value === 'string' ? value : canonicalJson(value);
    return include.some((pattern) => pattern.test(text)) && !exclude.some((pattern) => pattern.test(text));
  });
}

/**
 * Shell-style patterns as Python's fnmatch reads them (Hydra's glob() uses it): `*` any
 * text, `?` one character, `[abc]` / `[a-z]` one of a set, `[!abc]` one not in it; case
 * matters. An unclosed `[` is an ordinary character.
 */
function globRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const negated = pattern[i + 1] === '!';
      const first = negated ? i + 2 : i + 1;
      // A ']' right after '[' (or '[!') belongs to the set.
      const end = pattern.indexOf(']', first + 1);
      if (end < 0) {
        source += '\\[';
        continue;
      }
      const set = pattern.slice(first, end).replace(/[\\^[\]]/g, '\\$&');
      source += `[${negated ? '^' : ''}${set}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
