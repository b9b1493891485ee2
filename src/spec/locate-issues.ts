import type { Document, LineCounter } from 'yaml';
import type { SpecIssue } from '../errors.js';
import type { YamlProblem } from './read-yaml.js';
import { formatPath, type PathIssue } from './spec-issue.js';
import { yaml } from './yaml.js';

/** Problems of a spec's YAML text at file:line:column, in the order of its lines. */
export function locateYamlProblems(file: string, lineCounter: LineCounter, problems: YamlProblem[]): SpecIssue[] {
  return problems
    .map((problem) => ({ file, key: '', message: problem.message, ...lineAndColumn(lineCounter, problem.offset) }))
    .sort(inFileOrder);
}

/** Issues found by key path, at the line and column of that key in the document, in the order of its lines. */
export function locateIssues(file: string, doc: Document, lineCounter: LineCounter, issues: PathIssue[]): SpecIssue[] {
  return issues
    .map((issue) => {
      const offset = offsetOf(doc, issue.path);
      return { file, key: formatPath(issue.path), message: issue.message, ...(offset !== undefined && lineAndColumn(lineCounter, offset)) };
    })
    .sort(inFileOrder);
}

function lineAndColumn(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function offsetOf(doc: Document, path: Array<string | number>): number | undefined {
  // A missing key has no node: fall back to the closest ancestor that exists.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    // For a key that exists, point at the key rather than its value.
    if (range) return depth === path.length && depth > 0 ? (keyOffset(doc, path) ?? range[0]) : range[0];
  }
  return undefined;
}

function keyOffset(doc: Document, path: Array<string | number>): number | undefined {
  const { isMap, isScalar } = yaml();
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const key = path[path.length - 1];
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

/** Issues in the order of the file's lines, for reading it from the top. */
function inFileOrder(a: SpecIssue, b: SpecIssue): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
