import { didYouMean } from '../util/closest-matches.js';
import { canonicalJson } from './canonical-json.js';
import { describeValue, isPlainObject, jsonProblem } from './json-value.js';
import { gridPaths } from './parameter-grid.js';
import type { PathIssue } from './spec-issue.js';
import type { JsonValue, ParameterGrid, PartialAssignment } from './types.js';

interface Walk {
  kind: 'exclude' | 'include';
  /** Excluded values must be values of the grid; anything else would silently exclude nothing. */
  valuesMustExist: boolean;
  root: ParameterGrid;
  issues: PathIssue[];
  out: PartialAssignment;
}

/**
 * Reads one `exclude` / `include` entry: keys are parameter paths, written dotted
 * (`optimizer.lr: 0.1`) or nested (`optimizer: {lr: 0.1}`). Included values may be new.
 */
export function parsePartialAssignment(
  entry: Record<string, unknown>,
  grid: ParameterGrid,
  kind: 'exclude' | 'include',
  at: Array<string | number>,
  issues: PathIssue[],
  valuesMustExist = kind === 'exclude',
): PartialAssignment | undefined {
  const walk: Walk = { kind, valuesMustExist, root: grid, issues, out: new Map() };
  const before = issues.length;
  collect(walk, entry, grid, [], at);
  if (issues.length > before) return undefined;
  if (walk.out.size === 0) {
    const effect = kind === 'exclude' ? 'would exclude every run' : 'would add nothing';
    issues.push({ path: at, message: `is empty and ${effect}; name at least one parameter, e.g. {dataset: digits}` });
    return undefined;
  }
  return walk.out;
}

function collect(walk: Walk, entry: Record<string, unknown>, grid: ParameterGrid, prefix: string[], at: Array<string | number>): void {
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
        const hint = didYouMean(path, gridPaths(walk.root));
        walk.issues.push({
          path: keyAt,
          message: `'${path}' is not a parameter${hint} (${walk.kind} entries name parameters of the grid)`,
        });
        return;
      }
      const last = i === segments.length - 1;
      if (domain.kind === 'values') {
        if (!last) {
          walk.issues.push({ path: keyAt, message: `'${path}' is a parameter with values, not a group; it has no '${segments[i + 1]}'` });
          return;
        }
        addLeaf(walk, path, value, domain.values, keyAt);
      } else if (last) {
        if (!isPlainObject(value)) {
          const names = [...domain.parameters.keys()];
          walk.issues.push({
            path: keyAt,
            message: `'${path}' is a group of parameters (${names.join(', ')}); give a mapping such as {${names[0]}: …}, got ${describeValue(value)}`,
          });
          return;
        }
        collect(walk, value, domain.parameters, walked, keyAt);
      } else {
        domainGrid = domain.parameters;
      }
    }
  }
}

function addLeaf(walk: Walk, path: string, value: unknown, values: JsonValue[], at: Array<string | number>): void {
  const problem = jsonProblem(value);
  if (problem) {
    walk.issues.push({ path: at, message: `${problem}; give a single value of '${path}'` });
    return;
  }
  if (walk.out.has(path)) {
    walk.issues.push({ path: at, message: `'${path}' is given twice in this entry` });
    return;
  }
  if (walk.valuesMustExist) {
    const wanted = canonicalJson(value as JsonValue);
    if (!values.some((v) => canonicalJson(v) === wanted)) {
      const shown = values
        .slice(0, 8)
        .map((v) => JSON.stringify(v))
        .join(', ');
      walk.issues.push({
        path: at,
        message: `${JSON.stringify(value)} is not a value of '${path}' (${shown}${values.length > 8 ? ', …' : ''}), so this entry would exclude nothing; fix the value or remove the entry`,
      });
      return;
    }
  }
  walk.out.set(path, value as JsonValue);
}
