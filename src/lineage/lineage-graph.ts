import type { EntityRecord, LineageEdge } from '../domain/provenance.js';
import type { ProvenanceStore } from '../store/provenance-types.js';
import { entityLabel } from './entity-id.js';

/** The part of the lineage graph reachable from one entity, with its entities. */
export interface LineageGraph {
  root: string;
  direction: 'upstream' | 'downstream';
  nodes: EntityRecord[];
  edges: LineageEdge[];
}

export const LINEAGE_FORMATS = ['text', 'dot', 'mermaid', 'json'] as const;
export type LineageFormat = (typeof LINEAGE_FORMATS)[number];

export async function lineageGraph(
  store: ProvenanceStore,
  root: string,
  direction: 'upstream' | 'downstream',
  maxDepth?: number,
): Promise<LineageGraph> {
  const edges = await store.lineageEdges([root], direction, maxDepth);
  const uids = new Set([root, ...edges.flatMap((edge) => [edge.from, edge.to])]);
  return { root, direction, nodes: await store.findEntities({ uids: [...uids] }), edges };
}

export function renderLineage(graph: LineageGraph, format: LineageFormat): string {
  switch (format) {
    case 'text':
      return textTree(graph);
    case 'dot':
      return dot(graph);
    case 'mermaid':
      return mermaid(graph);
    case 'json':
      return JSON.stringify(graph, null, 2);
  }
}

function nodeLabel(record: EntityRecord | undefined, uid: string): string {
  if (!record) return uid.slice(0, 12);
  const value = record.entity.kind === 'evaluation' ? ` = ${record.entity.value}` : '';
  return `${entityLabel(record)}${value}`;
}

/** Upstream, each entity's children are what it was made of; downstream, what was made of it. */
function textTree(graph: LineageGraph): string {
  const byUid = new Map(graph.nodes.map((node) => [node.uid, node]));
  const children = new Map<string, Array<{ edge: string; uid: string }>>();
  for (const { from, edge, to } of graph.edges) {
    const [parent, child] = graph.direction === 'upstream' ? [from, to] : [to, from];
    children.set(parent, [...(children.get(parent) ?? []), { edge, uid: child }]);
  }
  const lines = [nodeLabel(byUid.get(graph.root), graph.root)];
  const shown = new Set([graph.root]);
  const walk = (uid: string, indent: string): void => {
    const list = children.get(uid) ?? [];
    list.forEach((child, index) => {
      const last = index === list.length - 1;
      const again = shown.has(child.uid);
      lines.push(
        `${indent}${last ? '└─' : '├─'} ${child.edge} ${nodeLabel(byUid.get(child.uid), child.uid)}${again ? ' (shown above)' : ''}`,
      );
      if (again) return;
      shown.add(child.uid);
      walk(child.uid, `${indent}${last ? '   ' : '│  '}`);
    });
  };
  walk(graph.root, '');
  return lines.join('\n');
}

const quoted = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function dot(graph: LineageGraph): string {
  const lines = ['digraph lineage {', '  rankdir=BT;', '  node [shape=box];'];
  for (const node of graph.nodes) lines.push(`  ${quoted(node.uid.slice(0, 12))} [label=${quoted(nodeLabel(node, node.uid))}];`);
  for (const { from, edge, to } of graph.edges)
    lines.push(`  ${quoted(from.slice(0, 12))} -> ${quoted(to.slice(0, 12))} [label=${quoted(edge)}];`);
  lines.push('}');
  return lines.join('\n');
}

function mermaid(graph: LineageGraph): string {
  const id = (uid: string): string => `e${uid.slice(0, 12)}`;
  const lines = ['flowchart BT'];
  for (const node of graph.nodes) lines.push(`  ${id(node.uid)}["${nodeLabel(node, node.uid).replace(/"/g, '#quot;')}"]`);
  for (const { from, edge, to } of graph.edges) lines.push(`  ${id(from)} -- ${edge} --> ${id(to)}`);
  return lines.join('\n');
}
