import { didYouMean } from '../util/closest-matches.js';
import { parseRange } from './range.js';
import { seededShuffle } from './seeded-shuffle.js';
import type { JsonValue } from './types.js';

/**
 * The functions of Hydra's override grammar (hydra.cc, "Extended Override syntax") that a
 * grid can give a meaning: choice, range, glob, sort and shuffle. Arguments are positional or
 * named (`sort(3,1,2,reverse=true)`) and may be calls themselves (`shuffle(range(10))`).
 */
export interface Glob {
  include: string[];
  exclude: string[];
}

/** What an element of an override stands for: one value, a sweep of values, or a glob over the spec's values. */
export type Evaluated = { kind: 'value'; value: JsonValue } | { kind: 'sweep'; values: JsonValue[] } | { kind: 'glob'; glob: Glob };

export interface CallContext {
  /** Evaluates an argument: a value, or a call. */
  evaluate(element: string): Evaluated;
  /** Splits text at its top-level commas. */
  split(text: string): string[];
  fail(detail: string): never;
}

export interface FunctionCall {
  name: string;
  /** The call as written, e.g. `sort(3,1,2)`. */
  text: string;
  /** The arguments as written, trimmed, `name=` included. */
  args: string[];
}

const FUNCTIONS = ['choice', 'range', 'glob', 'sort', 'shuffle'];
const CASTS = ['int', 'float', 'str', 'bool', 'json_str'];

/** The element as a call when it starts like one (`name(`), else undefined. */
export function functionCallOf(element: string, context: CallContext): FunctionCall | undefined {
  const start = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(element);
  if (!start) return undefined;
  if (!element.endsWith(')')) {
    context.fail(`'${element}' starts like a call of ${start[1]}() but goes on after it; quote it if it is text, e.g. '${element}'`);
  }
  const inner = element.slice(start[0].length, -1).trim();
  return { name: start[1] as string, text: element, args: inner === '' ? [] : context.split(inner).map((arg) => arg.trim()) };
}

export function callFunction(call: FunctionCall, context: CallContext): Evaluated {
  const { fail } = context;
  switch (call.name) {
    case 'choice':
      return choice(call, context);
    case 'range': {
      const range = parseRange(call.text);
      return 'error' in range ? fail(range.error) : { kind: 'sweep', values: range.values };
    }
    case 'glob':
      return glob(call, context);
    case 'sort':
      return sort(call, context);
    case 'shuffle':
      return shuffle(call, context);
    case 'interval':
      return fail(
        'interval() is a continuous search space, which a grid cannot sweep (labbook has no sampler for it yet); list values, e.g. lr=0.1,0.01, or give a range()',
      );
    case 'tag':
      return fail('tag() labels a sweep for a search algorithm, which labbook has not yet; give the sweep without it');
    case 'extend_list':
      return fail('extend_list() is not supported; give the whole list, e.g. x=[1,2,3]');
    default:
      if (CASTS.includes(call.name)) {
        return fail(`${call.name}() casts are not supported; write the value as it should be, e.g. 3, 3.0, '3' or true`);
      }
      return fail(
        `unknown function ${call.name}()${didYouMean(call.name, FUNCTIONS)}; the functions are ${FUNCTIONS.join(', ')} (quote text that looks like a call: '${call.text}')`,
      );
  }
}

interface Arguments {
  positional: string[];
  named: Map<string, string>;
}

/** Positional arguments first, then named ones among `names`, as in Python. */
function bind(call: FunctionCall, names: readonly string[], { fail }: CallContext): Arguments {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (const arg of call.args) {
    if (arg === '') fail(`an empty argument in ${call.text}; remove the extra comma`);
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s.exec(arg);
    if (!match) {
      if (named.size > 0) fail(`in ${call.text}, '${arg}' follows a named argument; give positional arguments first`);
      positional.push(arg);
      continue;
    }
    const name = match[1] as string;
    if (!names.includes(name)) {
      fail(`${call.name}() has no argument '${name}'${names.length ? ` (its named arguments: ${names.join(', ')})` : ''}`);
    }
    if (named.has(name)) fail(`${call.name}() is given '${name}' twice`);
    named.set(name, (match[2] as string).trim());
  }
  return { positional, named };
}

function choice(call: FunctionCall, context: CallContext): Evaluated {
  const { positional } = bind(call, [], context);
  if (positional.length === 0) context.fail('choice() needs at least one value, e.g. optimizer=choice(adam,sgd)');
  return { kind: 'sweep', values: positional.map((arg) => singleValue(context.evaluate(arg), call, context)) };
}

/** Hydra's glob: the values the parameter has in the spec that match `include` and not `exclude`. */
function glob(call: FunctionCall, context: CallContext): Evaluated {
  const { positional, named } = bind(call, ['include', 'exclude'], context);
  if (positional.length > 2) context.fail(`glob() takes include and exclude patterns, got ${positional.length} arguments`);
  const [include = named.get('include'), exclude = named.get('exclude')] = positional;
  if (include === undefined) context.fail('glob() needs a pattern, e.g. model=glob(*) or model=glob([s*,r*],exclude=svc)');
  if ((positional.length > 0 && named.has('include')) || (positional.length > 1 && named.has('exclude'))) {
    context.fail(`${call.text} gives a pattern twice`);
  }
  const patterns = (text: string) => {
    const list = text.startsWith('[') && text.endsWith(']');
    return (list ? context.split(text.slice(1, -1)) : [text]).map((pattern) => unquote(pattern.trim()));
  };
  return { kind: 'glob', glob: { include: patterns(include), exclude: exclude === undefined ? [] : patterns(exclude) } };
}

function sort(call: FunctionCall, context: CallContext): Evaluated {
  const { positional, named } = bind(call, ['sweep', 'list', 'reverse'], context);
  const reverse = named.has('reverse') ? singleValue(context.evaluate(named.get('reverse') as string), call, context) : false;
  if (typeof reverse !== 'boolean') context.fail(`sort() takes reverse=true or reverse=false, not ${JSON.stringify(reverse)}`);
  const input = reordered(call, positional, named, context);
  if (input.kind === 'value' && !Array.isArray(input.value)) return input;
  const sorted = sortValues(input.kind === 'value' ? (input.value as JsonValue[]) : input.values, call, context);
  if (reverse) sorted.reverse();
  return input.kind === 'value' ? { kind: 'value', value: sorted } : { kind: 'sweep', values: sorted };
}

/** Hydra's shuffle, seeded (seed=N, 0 by default): the same override always plans the same order. */
function shuffle(call: FunctionCall, context: CallContext): Evaluated {
  const { positional, named } = bind(call, ['sweep', 'list', 'seed'], context);
  const seed = named.has('seed') ? singleValue(context.evaluate(named.get('seed') as string), call, context) : 0;
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) context.fail(`shuffle() takes a whole number ≥ 0 as its seed, e.g. seed=7`);
  const input = reordered(call, positional, named, context);
  if (input.kind === 'sweep') return { kind: 'sweep', values: seededShuffle(input.values, seed as number) };
  // As in Hydra, a single value becomes a list of one.
  return { kind: 'value', value: Array.isArray(input.value) ? seededShuffle(input.value, seed as number) : [input.value] };
}

/** What sort or shuffle reorders: list=[…], sweep=…, one argument, or several values (a sweep of them). */
function reordered(call: FunctionCall, positional: string[], named: Map<string, string>, context: CallContext) {
  const given = [positional.length > 0, named.has('list'), named.has('sweep')].filter(Boolean).length;
  if (given !== 1) context.fail(`${call.name}() reorders values, a sweep (sweep=…) or a list (list=[…]): give one of them`);
  if (named.has('list')) {
    const list = context.evaluate(named.get('list') as string);
    if (list.kind !== 'value' || !Array.isArray(list.value)) return context.fail(`${call.name}(list=…) takes a list, e.g. list=[3,1,2]`);
    return list;
  }
  if (named.has('sweep')) {
    const sweep = context.evaluate(named.get('sweep') as string);
    if (sweep.kind !== 'sweep') return context.fail(`${call.name}(sweep=…) takes a choice() or a range()`);
    return sweep;
  }
  if (positional.length === 1) {
    const only = context.evaluate(positional[0] as string);
    if (only.kind === 'glob') return context.fail(`${call.name}() cannot reorder a glob(); it keeps the order of the spec`);
    return only;
  }
  return { kind: 'sweep' as const, values: positional.map((arg) => singleValue(context.evaluate(arg), call, context)) };
}

/** Numbers in numeric order, texts in code-point order (as Python sorts them); nothing else compares. */
function sortValues(values: JsonValue[], call: FunctionCall, context: CallContext): JsonValue[] {
  if (values.every((v) => typeof v === 'number')) return [...values].sort((a, b) => (a as number) - (b as number));
  if (values.every((v) => typeof v === 'string')) return [...values].sort((a, b) => byCodePoint(a as string, b as string));
  return context.fail(`${call.name}() orders numbers or texts, one kind at a time; ${call.text} mixes them or holds lists`);
}

function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const difference = (x[i]?.codePointAt(0) as number) - (y[i]?.codePointAt(0) as number);
    if (difference !== 0) return difference;
  }
  return x.length - y.length;
}

function singleValue(evaluated: Evaluated, call: FunctionCall, context: CallContext): JsonValue {
  if (evaluated.kind !== 'value') {
    return context.fail(`${call.name}() takes values here; a choice(), range() or glob() inside it is not supported`);
  }
  return evaluated.value;
}

function unquote(text: string): string {
  const quoted = text.length >= 2 && (text[0] === "'" || text[0] === '"') && text.endsWith(text[0]);
  return quoted ? text.slice(1, -1) : text;
}
