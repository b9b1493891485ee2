import { useEffect, useState } from 'preact/hooks';
import { type ArtifactPreview, getJson } from '../api.js';
import { formatValue } from '../format.js';

/** An artifact of the run view: a download link, with its image or its table's first rows below when the server previews it. */
export function ArtifactItem({
  runId,
  artifact,
  preview,
}: {
  runId: number;
  artifact: { name: string; mediaType: string; size: number };
  preview: boolean;
}) {
  const name = encodeURIComponent(artifact.name);
  const href = `/api/runs/${runId}/artifacts/${name}`;
  const [shown, setShown] = useState<ArtifactPreview | null>(null);
  useEffect(() => {
    if (preview) void getJson<ArtifactPreview>(`/runs/${runId}/previews/${name}`).then(setShown, () => setShown(null));
  }, [runId, name, preview]);
  return (
    <li data-artifact={artifact.name} data-preview={shown?.kind ?? ''}>
      <a href={href} download={artifact.name} type={artifact.mediaType}>
        {artifact.name}
      </a>{' '}
      <span class="muted">
        {artifact.mediaType}, {artifact.size} bytes
      </span>
      {shown?.kind === 'image' && <img src={href} alt={artifact.name} loading="lazy" />}
      {shown?.kind === 'table' && (
        <div class="preview">
          <table class="grid">
            <thead>
              <tr>
                {shown.columns.map((column, i) => (
                  <th scope="col" key={i}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c}>{formatValue(cell)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {shown.truncated && <p class="muted">The first {shown.rows.length} rows; download the file for the rest.</p>}
        </div>
      )}
    </li>
  );
}
