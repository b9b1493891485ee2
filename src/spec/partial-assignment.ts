import { didYouMean } from '../util/closest-matches.js';
import { canonicalJson } from './canonical-json.js';
import { describeValue, isPlainObject, jsonProblem } from './json-value.js';
import { gridPaths } from './parameter-grid.js';
import type { PathIssue } from './spec-issue.js';
import type { JsonValue, ParameterGrid, PartialAssignment } from './types.js';

/**
 * Reads one `exclude` / `include` entry: keys are parameter paths, written dotted
 * (`optimizer.lr: 0.1`) or nested (`optimizer: {lr: 0.1}`). Excluded values must be values
 * of the grid (anything else would silently exclude nothing); included ones may be new.
 */
export function parsePartialAssignment(
  entry: Record<string, unknown>,
  grid: ParameterGrid,
  kind: 'exclude' | 'include',
  at: Array<string | number>,
  issues: PathIssue[],
): PartialAssignment | undefined {
  const assignment: PartialAssignment = new Map();
  const before = issues.length;
  collect(entry, grid, [], kind, at, issues, assignment, grid);
  if (issues.length > before) return undefined;
  if (assignment.size === 0) {
    const effect = kind === 'exclude' ? 'would exclude every run' : 'would add nothing';
    issues.push({ path: at, message: `is empty and ${effect}; name at least one parameter, e.g. {dataset: digits}` });
    return undefined;
  }
  return assignment;
}

function collect(
  entry: Record<string, unknown>,
  grid: ParameterGrid,
  prefix: string[],
  kind: 'exclude' | 'include',
  at: Array<string | number>,
  issues: PathIssue[],
  out: PartialAssignment,
  root: ParameterGrid,
): void {
  for (const [key, value] of Object.entries(entry)) {
    const keyAt = [...at, key];
    const segments = key.split('.');
    let domainGrid = grid;
    const walked = [...prefix];
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as string;
      const domain = domainGrid.get(segment);
      walked.push(segment);
      const path = walked.join('.');
      if (!domain) {
        issues.push({ path: keyAt, message: `'${path}' is not a parameter${didYouMean(path, gridPaths(root))} (${kind} entries name parameters of the grid)` });
        return;
      }
      const last = i === segments.length - 1;
      if (domain.kind === 'values') {
        if (!last) {
          issues.push({ path: keyAt, message: `'${path}' is a parameter with values, not a group; it has no '${segments[i + 1]}'` });
          return;
        }
        addLeaf(path, value, domain.values, kind, keyAt, issues, out);
      } else if (last) {
        if (!isPlainObject(value)) {
          const names = [...domain.parameters.keys()].join(', ');
          issues.push({ path: keyAt, message: `'${path}' is a group of parameters (${names}); give a mapping such as {${[...domain.parameters.keys()][0]}: …}, got ${describeValue(value)}` });
          return;
        }
        collect(value, domain.parameters, walked, kind, keyAt, issues, out, root);
      } else {
        domainGrid = domain.parameters;
      }
    }
  }
}

function addLeaf(
  path: string,
  value: unknown,
  values: JsonValue[],
  kind: 'exclude' | 'include',
  at: Array<string | number>,
  issues: PathIssue[],
  out: PartialAssignment,
): void {
  const problem = jsonProblem(value);
  if (problem) {
    issues.push({ path: at, message: `${problem}; give a single value of '${path}'` });
    return;
  }
  if (out.has(path)) {
    issues.push({ path: at, message: `'${path}' is given twice in this entry` });
    return;
  }
  if (kind === 'exclude') {
    const wanted = canonicalJson(value as JsonValue);
    if (!values.some((v) => canonicalJson(v) === wanted)) {
      const shown = values.slice(0, 8).map((v) => JSON.stringify(v)).join(', ');
      issues.push({
        path: at,
        message: `${JSON.stringify(value)} is not a value of '${path}' (${shown}${values.length > 8 ? ', …' : ''}), so this entry would exclude nothing; fix the value or remove the entry`,
      });
      return;
    }
  }
  out.set(path, value as JsonValue);
}
