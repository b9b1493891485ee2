import { compileQuery, keyValueSql } from './compile.js';
import type { KeyExpression, RunCondition } from './dialect.js';
import { resolveKey } from './keys.js';
import { parseKey, parseQuery } from './parser.js';

/** Parses a query where it is written (a syntax error is reported at once); a store compiles it with its dialect. */
export function parseRunCondition(text: string): RunCondition {
  const expr = parseQuery(text);
  return { text, toSql: (lookup, dialect) => compileQuery(expr, lookup, dialect, text) };
}

/** Parses a key to group, aggregate or sort by; it is resolved among the runs in scope when compiled. */
export function parseKeyExpression(text: string): KeyExpression {
  const key = parseKey(text);
  return {
    text,
    sortSql: (lookup, dialect) => keyValueSql(resolveKey(key, lookup, text), dialect),
    groupSql(lookup, dialect) {
      const resolved = resolveKey(key, lookup, text);
      if (resolved.kind === 'json') return { ...dialect.jsonText(resolved.source, resolved.path), json: true };
      return { ...keyValueSql(resolved, dialect), json: false };
    },
    numberSql(lookup, dialect) {
      const resolved = resolveKey(key, lookup, text);
      if (resolved.kind !== 'json') return keyValueSql(resolved, dialect);
      // Only numbers are aggregated: a parameter that is sometimes "0.1" (text) counts as missing there.
      return dialect.jsonNumber(resolved.source, resolved.path);
    },
  };
}
