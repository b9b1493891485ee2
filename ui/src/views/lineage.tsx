import { useEffect, useState } from 'preact/hooks';
import { type Entity, getJson, type LineageGraph } from '../api.js';
import { formatValue } from '../format.js';
import { BOX, layoutLineage } from '../lineage-layout.js';
import { onLinkClick } from '../route.js';
import { ErrorBox } from './error-box.js';

type Direction = LineageGraph['direction'];

export function lineageHref(ref: string, direction: Direction = 'upstream', depth?: number): string {
  const params = new URLSearchParams({ direction, ...(depth !== undefined && { depth: String(depth) }) });
  return `/lineage/${encodeURIComponent(ref)}?${params}`;
}

/** Short enough for a box; the whole text is the box's tooltip. */
function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function label(entity: Entity): string {
  const version = entity.version ? `@${entity.version}` : '';
  return `${entity.name}${version}`;
}

/**
 * An entity's lineage (upstream: what it was made of; downstream: what was made of it) as
 * boxes and edges in hand-drawn SVG; a box opens that entity's lineage. Every label is a text
 * node (escaped).
 */
export function LineageView({ entityRef, direction, depth }: { entityRef: string; direction: Direction; depth: number | undefined }) {
  const [graph, setGraph] = useState<LineageGraph | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setGraph(null);
    setError(null);
    void getJson<LineageGraph>(`/lineage/${encodeURIComponent(entityRef)}`, { direction, depth }).then(setGraph, setError);
  }, [entityRef, direction, depth]);
  if (error) return <ErrorBox error={error} />;
  if (!graph) return <p class="muted">Loading…</p>;
  const layout = layoutLineage(graph);
  const root = graph.nodes.find((node) => node.uid === graph.root);
  return (
    <article class="lineage">
      <h2>
        Lineage of {root ? `${root.kind} ${label(root)}` : entityRef}
        {root?.entity.value !== undefined && ` = ${formatValue(root.entity.value)}`}
      </h2>
      <nav class="toolbar" aria-label="lineage direction">
        {(['upstream', 'downstream'] as const).map((way) => (
          <a
            key={way}
            href={lineageHref(entityRef, way, depth)}
            onClick={onLinkClick}
            aria-current={way === direction ? 'page' : undefined}
          >
            {way === 'upstream' ? 'made of (upstream)' : 'made from it (downstream)'}
          </a>
        ))}
      </nav>
      <div class="lineage-scroll">
        <svg
          class="lineage-graph"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          role="img"
          aria-label={`lineage, ${direction}`}
        >
          {layout.edges.map(({ edge, from, to }) => {
            const x1 = from.x + BOX.width;
            const y1 = from.y + BOX.height / 2;
            const x2 = to.x;
            const y2 = to.y + BOX.height / 2;
            const bend = (x2 - x1) / 2;
            return (
              <g class="edge" key={`${from.entity.uid}-${edge}-${to.entity.uid}`} data-edge={edge}>
                <path d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`} />
                <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 4} text-anchor="middle">
                  {edge}
                </text>
              </g>
            );
          })}
          {layout.nodes.map(({ entity, x, y }) => (
            <a
              key={entity.uid}
              href={lineageHref(entity.uid, direction, depth)}
              onClick={onLinkClick}
              class={`node kind-${entity.kind}${entity.uid === graph.root ? ' root' : ''}`}
              data-entity={`${entity.kind}:${entity.name}`}
            >
              <title>{`${entity.kind} ${label(entity)} (${entity.uid.slice(0, 12)})`}</title>
              <rect x={x} y={y} width={BOX.width} height={BOX.height} rx={6} />
              <text x={x + 8} y={y + 18} class="kind">
                {entity.kind}
                {entity.entity.value !== undefined && ` = ${formatValue(entity.entity.value)}`}
              </text>
              <text x={x + 8} y={y + 36} class="name">
                {clip(label(entity), 28)}
              </text>
            </a>
          ))}
        </svg>
      </div>
    </article>
  );
}
