import { z } from 'zod/v3';
import { SpecError } from '../errors.js';
import { isPlainObject } from '../spec/json-value.js';
import { formatPath, type PathIssue } from '../spec/spec-issue.js';
import { didYouMean } from '../util/closest-matches.js';
import { contains, stepCount, steppedFloat } from './space.js';
import type { Distribution, DistributionKind, ParamValue, SearchParameter, SearchSpace } from './types.js';

/**
 * The `search:` block of a spec: parameter name → `{KIND: …, step?: …, when?: {…}}` (see
 * docs/search.md). Zod checks each entry's shape; the checks across keys (bounds, steps) and
 * across entries (conditions) follow, and every problem is reported with its key path.
 */
const KINDS: readonly DistributionKind[] = ['uniform', 'loguniform', 'int', 'intlog', 'categorical'];
const ENTRY_KEYS = [...KINDS, 'step', 'when'];
const EXAMPLES: Record<DistributionKind, string> = {
  uniform: 'uniform: [0.0, 0.5]',
  loguniform: 'loguniform: [1e-5, 0.1]',
  int: 'int: [1, 8]',
  intlog: 'intlog: [16, 1024]',
  categorical: 'categorical: [linear, rbf, poly]',
};
const SCALAR = 'expected a string, a number or a boolean';

const says = (message: string) => ({ invalid_type_error: message, required_error: message });
const finite = (message: string) => z.number(says(message)).finite(message);
const bounds = (kind: DistributionKind) => {
  const message = `expected [low, high], e.g. ${EXAMPLES[kind]}`;
  return z.array(finite(message), says(message)).length(2, message).optional();
};
const scalar = z.union([z.string(), finite(SCALAR), z.boolean()], { errorMap: () => ({ message: SCALAR }) });

const entrySchema = z
  .object({
    uniform: bounds('uniform'),
    loguniform: bounds('loguniform'),
    int: bounds('int'),
    intlog: bounds('intlog'),
    categorical: z
      .array(scalar, says(`expected a list of choices, e.g. ${EXAMPLES.categorical}`))
      .min(1, `expected at least one choice, e.g. ${EXAMPLES.categorical}`)
      .optional(),
    step: z
      .number(says('expected a positive number, e.g. step: 0.05'))
      .finite()
      .positive('expected a positive number, e.g. step: 0.05')
      .optional(),
    when: z
      .record(z.string(), z.union([scalar, z.array(scalar)]), says('expected a mapping of parameter → value(s), e.g. when: {kernel: rbf}'))
      .optional(),
  })
  .strict();

type Entry = z.infer<typeof entrySchema>;

/** The search space a `search:` block describes, or the problems that keep it from being one (path from `at`). */
export function parseSearchSpace(raw: unknown, at: Array<string | number> = ['search']): { space?: SearchSpace; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
    issues.push({
      path: at,
      message: `expected a mapping of parameter → distribution, e.g. {lr: {${EXAMPLES.loguniform}}, layers: {${EXAMPLES.int}}}`,
    });
    return { issues };
  }
  const parameters: SearchParameter[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const path = [...at, name];
    const parsed = parseEntry(value, path, issues);
    if (!parsed) continue;
    const when = parseWhen(parsed.when, parameters, [...path, 'when'], issues);
    parameters.push({ name, distribution: parsed.distribution, ...(when && { when }) });
  }
  return issues.length ? { issues } : { space: { parameters }, issues };
}

/** A search space from its description, for TS users and tests; throws SpecError (LB_SPEC_INVALID) naming every problem. */
export function defineSearchSpace(raw: unknown): SearchSpace {
  const { space, issues } = parseSearchSpace(raw);
  if (!space) throw new SpecError(issues.map((issue) => ({ key: formatPath(issue.path), message: issue.message })));
  return space;
}

function parseEntry(
  value: unknown,
  path: Array<string | number>,
  issues: PathIssue[],
): { distribution: Distribution; when: Entry['when'] } | undefined {
  if (!isPlainObject(value)) {
    issues.push({ path, message: `expected a distribution, e.g. {${EXAMPLES.loguniform}}; the distributions are ${KINDS.join(', ')}` });
    return undefined;
  }
  const parsed = entrySchema.safeParse(value);
  if (!parsed.success) {
    issues.push(...parsed.error.issues.flatMap((issue) => toPathIssues(issue, path)));
    return undefined;
  }
  const entry = parsed.data;
  const kinds = KINDS.filter((kind) => entry[kind] !== undefined);
  if (kinds.length !== 1) {
    const message = kinds.length
      ? `give one distribution, found ${kinds.join(' and ')}`
      : `give a distribution, one of ${KINDS.join(', ')}, e.g. {${EXAMPLES.loguniform}}`;
    issues.push({ path, message });
    return undefined;
  }
  const distribution = toDistribution(kinds[0] as DistributionKind, entry, path, issues);
  return distribution && { distribution, when: entry.when };
}

function toDistribution(kind: DistributionKind, entry: Entry, path: Array<string | number>, issues: PathIssue[]): Distribution | undefined {
  const problem = (message: string, key: string = kind) => {
    issues.push({ path: [...path, key], message });
    return undefined;
  };
  if (kind === 'categorical') {
    const choices = entry.categorical as ParamValue[];
    const repeated = choices.find((choice, i) => choices.indexOf(choice) !== i);
    if (repeated !== undefined) return problem(`${JSON.stringify(repeated)} is listed twice; give each choice once`);
    if (entry.step !== undefined) return problem('a categorical parameter takes no step; list the values instead', 'step');
    return { kind, choices };
  }
  const [low, high] = entry[kind] as [number, number];
  if (!(low < high)) return problem(`low must be below high (got [${low}, ${high}]); for a constant, use settings: instead`);
  if (kind === 'loguniform' && low <= 0) return problem(`a log scale needs low > 0 (got ${low}), e.g. ${EXAMPLES.loguniform}`);
  if ((kind === 'int' || kind === 'intlog') && !(Number.isInteger(low) && Number.isInteger(high))) {
    return problem(`expected whole numbers (got [${low}, ${high}]); for fractions use ${kind === 'int' ? 'uniform' : 'loguniform'}`);
  }
  if (kind === 'intlog' && low < 1) return problem(`a log scale of integers needs low >= 1 (got ${low}), e.g. ${EXAMPLES.intlog}`);
  if (kind === 'loguniform' || kind === 'intlog') {
    return entry.step === undefined
      ? { kind, low, high }
      : problem(`a log scale takes no step; use ${kind === 'intlog' ? 'int' : 'uniform'} with a step, or drop it`, 'step');
  }
  if (kind === 'uniform' && entry.step === undefined) return { kind, low, high };
  const step = entry.step ?? 1;
  if (kind === 'int' && !Number.isInteger(step)) return problem(`an int step is a whole number (got ${step}), e.g. step: 2`, 'step');
  const count = stepCount(low, high, step);
  if (Math.abs(low + (count - 1) * step - high) > 1e-9 * Math.max(1, Math.abs(high), step)) {
    const whole = Math.floor((high - low) / step);
    const fits = `make high ${steppedFloat(low, step, whole)} or ${steppedFloat(low, step, whole + 1)}`;
    return problem(`${low}..${high} is not a whole number of steps of ${step}; ${fits}`, 'step');
  }
  return { kind, low, high, step };
}

/** Conditions name parameters declared above, categorical or int, and values those can take. */
function parseWhen(
  when: Entry['when'],
  above: readonly SearchParameter[],
  path: Array<string | number>,
  issues: PathIssue[],
): Record<string, ParamValue[]> | undefined {
  if (when === undefined) return undefined;
  if (Object.keys(when).length === 0) issues.push({ path, message: 'expected at least one condition, e.g. when: {kernel: rbf}' });
  const conditions: Record<string, ParamValue[]> = {};
  for (const [parentName, values] of Object.entries(when)) {
    const parent = above.find((p) => p.name === parentName);
    const at = [...path, parentName];
    if (!parent) {
      const names = above.map((p) => p.name);
      issues.push({
        path: at,
        message: `'${parentName}' is not a parameter declared above this one${didYouMean(parentName, names) || (names.length ? ` (above: ${names.join(', ')})` : '')}`,
      });
      continue;
    }
    const { distribution } = parent;
    if (distribution.kind !== 'categorical' && distribution.kind !== 'int') {
      issues.push({ path: at, message: `a condition needs a categorical or int parameter; '${parentName}' is ${distribution.kind}` });
      continue;
    }
    const list = Array.isArray(values) ? values : [values];
    const outside = list.filter((v) => !contains(distribution, v));
    if (outside.length)
      issues.push({
        path: at,
        message: `${outside.map((v) => JSON.stringify(v)).join(', ')}: not a value '${parentName}' takes (${domainText(distribution)})`,
      });
    conditions[parentName] = list;
  }
  return conditions;
}

function domainText(distribution: Distribution & { kind: 'categorical' | 'int' }): string {
  return distribution.kind === 'categorical'
    ? `its choices: ${distribution.choices.map((c) => JSON.stringify(c)).join(', ')}`
    : `integers ${distribution.low}..${distribution.high}${distribution.step > 1 ? ` in steps of ${distribution.step}` : ''}`;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function toPathIssues(issue: ZodIssueLike, at: Array<string | number>): PathIssue[] {
  const path = [...at, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key '${key}'${didYouMean(key, ENTRY_KEYS)} (known keys: ${ENTRY_KEYS.join(', ')})`,
    }));
  }
  return [{ path, message: issue.message }];
}
