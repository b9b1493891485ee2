import type { ParameterGrid } from './types.js';

/**
 * The JSON text of a grid's runs as constant pieces between leaf values, compiled once:
 * `{"a":` leaf 0 `,"b":{"c":` leaf 1 `}}`. Leaves are numbered in declaration order, as
 * gridLeaves() numbers them. Assembling a run's text from these pieces and per-value texts
 * is what makes planning a million runs take about a second, not a minute.
 */
export interface ParamsLayout {
  /** pieces[i] comes before leaf leafAt[i]; the last piece closes the text. */
  pieces: string[];
  leafAt: number[];
}

/** Keys in RFC 8785 order: filled with canonical value texts, the text equals canonicalJson(params). */
export function compileCanonicalLayout(grid: ParameterGrid): ParamsLayout {
  return compileLayout(grid, true);
}

/** Keys in declaration order: filled with JSON.stringify value texts, the text equals JSON.stringify(params). */
export function compileDeclaredLayout(grid: ParameterGrid): ParamsLayout {
  return compileLayout(grid, false);
}

/** The text of one run; `leafText(i)` is the text of leaf i's value. */
export function renderLayout(layout: ParamsLayout, leafText: (leaf: number) => string): string {
  const { pieces, leafAt } = layout;
  let text = pieces[0] as string;
  for (let i = 0; i < leafAt.length; i++) text += leafText(leafAt[i] as number) + (pieces[i + 1] as string);
  return text;
}

type LayoutNode = { leaf: number } | { entries: Array<[keyJson: string, node: LayoutNode]> };

function compileLayout(grid: ParameterGrid, sortKeys: boolean): ParamsLayout {
  let next = 0;
  const build = (group: ParameterGrid): LayoutNode => {
    const entries: Array<[string, LayoutNode]> = [];
    for (const [name, domain] of group)
      entries.push([JSON.stringify(name), domain.kind === 'values' ? { leaf: next++ } : build(domain.parameters)]);
    // Parameter names need no escaping, so their quoted forms sort like the names (by UTF-16 units).
    if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { entries };
  };
  const layout: ParamsLayout = { pieces: [''], leafAt: [] };
  const append = (text: string) => {
    layout.pieces[layout.pieces.length - 1] += text;
  };
  const flatten = (node: LayoutNode): void => {
    if ('leaf' in node) {
      layout.leafAt.push(node.leaf);
      layout.pieces.push('');
      return;
    }
    append('{');
    node.entries.forEach(([key, child], i) => {
      append(`${i ? ',' : ''}${key}:`);
      flatten(child);
    });
    append('}');
  };
  flatten(build(grid));
  return layout;
}
