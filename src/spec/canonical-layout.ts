import type { ParameterGrid } from './types.js';

type LayoutNode = { leaf: number } | { entries: Array<[keyJson: string, node: LayoutNode]> };

/**
 * The shape of a grid's canonical JSON (RFC 8785 key order, computed once), as a function
 * that fills in the canonical text of each leaf's value. Leaves are numbered in declaration
 * order, as gridLeaves() numbers them. The result equals canonicalJson(params).
 */
export function compileCanonicalLayout(grid: ParameterGrid): (leafText: (leaf: number) => string) => string {
  let next = 0;
  const build = (group: ParameterGrid): LayoutNode => {
    const entries: Array<[string, LayoutNode]> = [];
    for (const [name, domain] of group)
      entries.push([JSON.stringify(name), domain.kind === 'values' ? { leaf: next++ } : build(domain.parameters)]);
    // Parameter names need no escaping, so their quoted forms sort like the names (by UTF-16 units).
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { entries };
  };
  const root = build(grid);
  const render = (node: LayoutNode, leafText: (leaf: number) => string): string => {
    if ('leaf' in node) return leafText(node.leaf);
    let text = '{';
    for (let i = 0; i < node.entries.length; i++) {
      const [key, child] = node.entries[i] as [string, LayoutNode];
      text += `${i ? ',' : ''}${key}:${render(child, leafText)}`;
    }
    return `${text}}`;
  };
  return (leafText) => render(root, leafText);
}
