import { QuerySyntaxError } from '../errors.js';
import type { Scalar } from './ast.js';

export type TokenKind = 'key' | 'string' | 'number' | 'constant' | 'op' | 'and' | 'or' | 'not' | 'in' | '(' | ')' | '[' | ']' | ',' | 'end';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** 1-based column of the first character. */
  column: number;
  /** A literal's value (strings unescaped); the segments of a key. */
  value?: Scalar;
  segments?: string[];
}

const WORDS: Record<string, { kind: TokenKind; value?: Scalar }> = {
  and: { kind: 'and' },
  or: { kind: 'or' },
  not: { kind: 'not' },
  in: { kind: 'in' },
  true: { kind: 'constant', value: true },
  True: { kind: 'constant', value: true },
  false: { kind: 'constant', value: false },
  False: { kind: 'constant', value: false },
  null: { kind: 'constant', value: null },
  None: { kind: 'constant', value: null },
};

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
const SEGMENT_START = /[A-Za-z_]/;
const SEGMENT_CHAR = /[A-Za-z0-9_/-]/;
// `10.` is a number, as in overrides (lr=10.) and Python.
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** Splits a query into tokens, each with its column, ending with an `end` token. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number, expected: string, found: string) => {
    throw new QuerySyntaxError(query, at + 1, expected, found);
  };
  while (i < query.length) {
    const c = query[i] as string;
    const column = i + 1;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const [value, next] = readString(query, i, fail);
      tokens.push({ kind: 'string', text: query.slice(i, next), column, value });
      i = next;
    } else if (/[0-9.]/.test(c) || (c === '-' && /[0-9.]/.test(query[i + 1] ?? ''))) {
      const match = NUMBER.exec(query.slice(i));
      const end = i + (match?.[0].length ?? 0);
      if (!match || SEGMENT_CHAR.test(query[end] ?? '') || query[end] === '.') {
        const word = /^[^\s()[\],&|~=<>!]+/.exec(query.slice(i))?.[0] ?? c;
        fail(i, 'a number such as 3, -0.5 or 1e-3', `'${word}'`);
      }
      tokens.push({ kind: 'number', text: match![0], column, value: Number(match![0]) });
      i = end;
    } else if (SEGMENT_START.test(c)) {
      const next = readKey(query, i, fail);
      const text = query.slice(i, next);
      const word = WORDS[text];
      if (word) tokens.push({ kind: word.kind, text, column, ...('value' in word && { value: word.value as Scalar }) });
      else tokens.push({ kind: 'key', text, column, segments: text.split('.') });
      i = next;
    } else {
      const two = query.slice(i, i + 2);
      if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ kind: 'op', text: two, column });
        i += 2;
      } else if (c === '<' || c === '>') {
        tokens.push({ kind: 'op', text: c, column });
        i++;
      } else if (c === '&' || c === '|' || c === '~') {
        tokens.push({ kind: c === '&' ? 'and' : c === '|' ? 'or' : 'not', text: c, column });
        i += two === '&&' || two === '||' ? 2 : 1;
      } else if (c === '(' || c === ')' || c === '[' || c === ']' || c === ',') {
        tokens.push({ kind: c, text: c, column });
        i++;
      } else if (c === '=') {
        fail(i, "'==' to compare ('=' alone is not an operator)", "'='");
      } else if (c === '!') {
        fail(i, "'!=' or '~' for negation", "'!'");
      } else {
        fail(i, 'a key, a value, an operator or a parenthesis', `'${c}'`);
      }
    }
  }
  tokens.push({ kind: 'end', text: '', column: query.length + 1 });
  return tokens;
}

type Fail = (at: number, expected: string, found: string) => never;

function readString(query: string, start: number, fail: Fail): [string, number] {
  const quote = query[start];
  let value = '';
  let i = start + 1;
  while (i < query.length) {
    const c = query[i] as string;
    if (c === quote) return [value, i + 1];
    if (c === '\\') {
      const escaped = query[i + 1];
      if (escaped === undefined) break;
      if (escaped === 'u') {
        const hex = query.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(i, 'four hex digits after \\u', `'\\u${hex}'`);
        value += String.fromCharCode(Number.parseInt(hex, 16));
        i += 6;
        continue;
      }
      const replacement = ESCAPES[escaped];
      if (replacement === undefined) fail(i, `an escape such as \\n, \\t, \\\\, \\${quote} or \\uXXXX`, `'\\${escaped}'`);
      value += replacement;
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return fail(start, `a closing ${quote} for the string that starts here`, 'end of query');
}

function readKey(query: string, start: number, fail: Fail): number {
  let i = start + 1;
  for (;;) {
    while (i < query.length && SEGMENT_CHAR.test(query[i] as string)) i++;
    if (query[i] !== '.') return i;
    if (!SEGMENT_CHAR.test(query[i + 1] ?? '') || query[i + 1] === '-' || query[i + 1] === '/') {
      fail(i + 1, "a key segment after '.' (e.g. params.model.name)", describeChar(query[i + 1]));
    }
    i++;
  }
}

function describeChar(c: string | undefined): string {
  return c === undefined ? 'end of query' : `'${c}'`;
}
