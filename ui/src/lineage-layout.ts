import type { Entity, LineageGraph } from './api.js';

export interface PlacedNode {
  entity: Entity;
  /** Links from the root along the walk. */
  depth: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  edge: string;
  from: PlacedNode;
  to: PlacedNode;
}

export const BOX = { width: 210, height: 46, columnGap: 90, rowGap: 18, margin: 12 };

/**
 * Places a lineage graph in columns: the root on the left, then each entity one column right
 * of the nearest entity that reaches it along the walk (upstream: what it was made of). An
 * entity reached twice is drawn once, its edges all drawn to it.
 */
export function layoutLineage(graph: LineageGraph): { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number } {
  const byUid = new Map(graph.nodes.map((entity) => [entity.uid, entity]));
  const next = new Map<string, Array<{ edge: string; uid: string }>>();
  for (const { from, edge, to } of graph.edges) {
    const [parent, child] = graph.direction === 'upstream' ? [from, to] : [to, from];
    next.set(parent, [...(next.get(parent) ?? []), { edge, uid: child }]);
  }
  const depth = new Map([[graph.root, 0]]);
  const columns: string[][] = [[graph.root]];
  for (let d = 0; d < columns.length; d++) {
    for (const uid of columns[d] ?? []) {
      for (const child of next.get(uid) ?? []) {
        if (depth.has(child.uid)) continue;
        depth.set(child.uid, d + 1);
        if (!columns[d + 1]) columns.push([]);
        columns[d + 1]?.push(child.uid);
      }
    }
  }
  const placed = new Map<string, PlacedNode>();
  columns.forEach((column, d) => {
    column.forEach((uid, row) => {
      const entity = byUid.get(uid) ?? { uid, kind: '?', name: uid.slice(0, 12), version: null, entity: { kind: '?' }, createdAt: 0 };
      placed.set(uid, {
        entity,
        depth: d,
        x: BOX.margin + d * (BOX.width + BOX.columnGap),
        y: BOX.margin + row * (BOX.height + BOX.rowGap),
      });
    });
  });
  const edges: PlacedEdge[] = [];
  for (const [parent, children] of next) {
    const from = placed.get(parent);
    for (const child of children) {
      const to = placed.get(child.uid);
      if (from && to) edges.push({ edge: child.edge, from, to });
    }
  }
  const rows = Math.max(...columns.map((column) => column.length));
  return {
    nodes: [...placed.values()],
    edges,
    width: 2 * BOX.margin + columns.length * BOX.width + (columns.length - 1) * BOX.columnGap,
    height: 2 * BOX.margin + rows * BOX.height + (rows - 1) * BOX.rowGap,
  };
}
