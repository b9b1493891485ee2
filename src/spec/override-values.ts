import { OverrideError } from '../errors.js';
import { jsonProblem } from './json-value.js';
import { readYaml } from './read-yaml.js';
import { formatPath } from './spec-issue.js';
import { type CallContext, callFunction, functionCallOf, type Glob } from './sweep-functions.js';
import type { JsonValue } from './types.js';
import { findValueProblems } from './value-problems.js';

/** The deepest nesting of calls in one override, e.g. sort(shuffle(range(10))) is three. */
const MAX_CALL_DEPTH = 8;

/** An override's value: values to sweep (one value is a sweep of one), or a glob over the spec's values. */
export type OverrideValue = { values: JsonValue[] } | { glob: Glob };

/**
 * The value of an override (`lr=0.1,0.01`, `seed=range(5)`, `x=[1,2]`, `opt=choice(adam,sgd)`,
 * `model=glob(s*)`): split at top-level commas, each element a YAML flow value or a call
 * of a sweep function (sweep-functions.ts), whose values are spliced in. `text` is the whole
 * override, for messages.
 */
export function parseOverrideValue(text: string, valueText: string): OverrideValue {
  const context = callContext(text, 0);
  const elements = splitTopLevel(text, valueText).map((element) => {
    if (element.trim() === '') context.fail('an empty value between commas; remove the extra comma');
    return context.evaluate(element);
  });
  const values: JsonValue[] = [];
  for (const element of elements) {
    if (element.kind === 'glob') {
      if (elements.length > 1) context.fail('glob() selects the values on its own; give it alone, e.g. model=glob(s*)');
      return { glob: element.glob };
    }
    values.push(...(element.kind === 'sweep' ? element.values : [element.value]));
  }
  return { values };
}

function callContext(text: string, depth: number): CallContext {
  const context: CallContext = {
    fail: (detail) => {
      throw new OverrideError(text, detail);
    },
    split: (inner) => splitTopLevel(text, inner),
    evaluate: (element) => {
      const trimmed = element.trim();
      const call = functionCallOf(trimmed, context);
      if (!call) return { kind: 'value', value: parseValue(text, trimmed) };
      if (depth >= MAX_CALL_DEPTH) context.fail(`functions are nested more than ${MAX_CALL_DEPTH} deep; simplify the override`);
      return callFunction(call, callContext(text, depth + 1));
    },
  };
  return context;
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
function splitTopLevel(text: string, valueText: string): string[] {
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
