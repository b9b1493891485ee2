import { canonicalJson } from './canonical-json.js';
import { describeValue, isPlainObject, jsonProblem } from './json-value.js';
import { looksLikeRange, parseRange } from './range.js';
import type { PathIssue } from './spec-issue.js';
import type { JsonValue, ParameterDomain, ParameterGrid } from './types.js';

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Turns the raw `parameters` mapping into a grid; problems are pushed to `issues`. */
export function parseParameterGrid(raw: Record<string, unknown>, path: Array<string | number>, issues: PathIssue[]): ParameterGrid {
  const grid: ParameterGrid = new Map();
  for (const [name, value] of Object.entries(raw)) {
    const at = [...path, name];
    if (!PARAMETER_NAME.test(name)) {
      issues.push({
        path: at,
        message: `'${name}' is not a valid parameter name: use letters, digits, '_' or '-', starting with a letter (dots separate nested groups)`,
      });
      continue;
    }
    const domain = parseDomain(value, at, issues);
    if (domain) grid.set(name, domain);
  }
  return grid;
}

function parseDomain(value: unknown, at: Array<string | number>, issues: PathIssue[]): ParameterDomain | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      issues.push({ path: at, message: 'has no values; give at least one, e.g. [0.1, 0.01], or remove the parameter' });
      return undefined;
    }
    const problem = jsonProblem(value);
    if (problem) {
      issues.push({ path: at, message: `${problem}; parameter values must be numbers, text, true/false, null, lists or mappings` });
      return undefined;
    }
    const duplicate = firstDuplicate(value as JsonValue[]);
    if (duplicate !== undefined) {
      issues.push({ path: at, message: `${duplicate} is listed twice; each value must appear once` });
      return undefined;
    }
    return { kind: 'values', values: value as JsonValue[] };
  }
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0) {
      issues.push({ path: at, message: 'is an empty group; give its parameters, e.g. {lr: [0.1, 0.01]}, or remove it' });
      return undefined;
    }
    return { kind: 'group', parameters: parseParameterGrid(value, at, issues) };
  }
  if (typeof value === 'string' && looksLikeRange(value)) {
    const range = parseRange(value);
    if ('error' in range) {
      issues.push({ path: at, message: range.error });
      return undefined;
    }
    return { kind: 'values', values: range.values };
  }
  const problem = jsonProblem(value);
  if (problem) {
    issues.push({ path: at, message: `${problem}; write a list of values, e.g. [1, 2, 3], got ${describeValue(value)}` });
    return undefined;
  }
  return { kind: 'values', values: [value as JsonValue] };
}

function firstDuplicate(values: JsonValue[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    const text = canonicalJson(value);
    if (seen.has(text)) return text;
    seen.add(text);
  }
  return undefined;
}

/** A leaf of the grid: a parameter that takes values, addressed by its dotted path. */
export interface GridLeaf {
  path: string;
  segments: string[];
  values: JsonValue[];
}

/** All leaves in declaration order (the last one varies fastest). */
export function gridLeaves(grid: ParameterGrid, prefix: string[] = []): GridLeaf[] {
  const leaves: GridLeaf[] = [];
  for (const [name, domain] of grid) {
    const segments = [...prefix, name];
    if (domain.kind === 'values') leaves.push({ path: segments.join('.'), segments, values: domain.values });
    else leaves.push(...gridLeaves(domain.parameters, segments));
  }
  return leaves;
}

/** Dotted paths of every group and leaf, for placeholders and suggestions. */
export function gridPaths(grid: ParameterGrid, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [name, domain] of grid) {
    const path = prefix ? `${prefix}.${name}` : name;
    paths.push(path);
    if (domain.kind === 'group') paths.push(...gridPaths(domain.parameters, path));
  }
  return paths;
}

export function gridSize(grid: ParameterGrid): number {
  return gridLeaves(grid).reduce((n, leaf) => n * leaf.values.length, 1);
}
