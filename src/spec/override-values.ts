import { OverrideError } from '../errors.js';
import { jsonProblem } from './json-value.js';
import { looksLikeRange, parseRange } from './range.js';
import { readYaml } from './read-yaml.js';
import { formatPath } from './spec-issue.js';
import type { JsonValue } from './types.js';
import { findValueProblems } from './value-problems.js';

/**
 * The values of an override (`lr=0.1,0.01`, `seed=range(5)`, `x=[1,2]`): split at top-level
 * commas, each element read as a YAML flow value, or a range. `text` is the whole override,
 * for messages.
 */
export function parseOverrideValues(text: string, valueText: string): JsonValue[] {
  const values: JsonValue[] = [];
  for (const element of splitTopLevel(text, valueText)) {
    const trimmed = element.trim();
    if (trimmed === '') throw new OverrideError(text, 'an empty value between commas; remove the extra comma');
    if (looksLikeRange(trimmed)) {
      const range = parseRange(trimmed);
      if ('error' in range) throw new OverrideError(text, range.error);
      values.push(...range.values);
    } else values.push(parseValue(text, trimmed));
  }
  return values;
}

/** One element, read as the spec's values are: plain YAML, no NUL, nothing nested without bound. */
function parseValue(text: string, element: string): JsonValue {
  const read = readYaml(element);
  if (!read.ok) {
    const problem = read.problems.find((p) => p.kind !== 'syntax');
    throw new OverrideError(
      text,
      problem?.message ?? `'${element}' is not a value; quote text with special characters, e.g. '${element.replaceAll("'", '')}'`,
    );
  }
  const [issue] = findValueProblems(read.data).issues;
  if (issue) throw new OverrideError(text, issue.path.length > 0 ? `${formatPath(issue.path)}: ${issue.message}` : issue.message);
  const problem = jsonProblem(read.data);
  if (problem) throw new OverrideError(text, problem);
  return read.data as JsonValue;
}

/** The elements between top-level commas; brackets, braces, parentheses and quotes group. */
export function splitTopLevel(text: string, valueText: string): string[] {
  const parts: string[] = [];
  const closers: string[] = [];
  let quote: string | undefined;
  let current = '';
  for (const ch of valueText) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{' || ch === '(') closers.push(ch === '[' ? ']' : ch === '{' ? '}' : ')');
    else if (ch === ']' || ch === '}' || ch === ')') {
      if (closers.pop() !== ch) throw new OverrideError(text, `'${ch}' closes nothing; check the brackets`);
    } else if (ch === ',' && closers.length === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (quote) throw new OverrideError(text, `the quote ${quote} is never closed`);
  if (closers.length > 0) throw new OverrideError(text, `'${closers[closers.length - 1]}' is missing; check the brackets`);
  parts.push(current);
  return parts;
}
