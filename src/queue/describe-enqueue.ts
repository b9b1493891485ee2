import type { EnqueueResult, EnqueueSpecOptions } from './queue.js';

/**
 * "cv: 45 runs planned: 40 added, 5 already COMPLETED (cached)", after what changed when the
 * spec is a new version, and before the PENDING runs that keep an earlier one: one line each.
 */
export function describeEnqueue(
  { experiment, counts, changedFrom, pendingOfEarlierVersions }: EnqueueResult,
  options: EnqueueSpecOptions,
): string[] {
  const { name, specVersion } = experiment;
  const lines: string[] = [];
  if (changedFrom) {
    const changes = changedFrom.changes.length > 0 ? changedFrom.changes.join('; ') : 'the same keys and values, written differently';
    lines.push(`${name}: spec version ${specVersion}, changed since version ${changedFrom.version}: ${changes}`);
  }
  const anew = counts.replanned
    ? ` (${counts.replanned} anew: the runs of their parameters have other settings or another command, and stay in the store as they are)`
    : '';
  const parts = [`${counts.added} added${anew}`];
  if (counts.requeued) parts.push(`${counts.requeued} requeued`);
  if (counts.moved) parts.push(`${counts.moved} PENDING moved to version ${specVersion}`);
  for (const [state, n] of Object.entries(counts.unchanged)) {
    parts.push(`${n} already ${state}${state === 'COMPLETED' ? ' (cached)' : ''}`);
  }
  lines.push(`${name}: ${counts.planned} runs planned: ${parts.join(', ')}`);
  if (pendingOfEarlierVersions > 0) {
    const runs =
      pendingOfEarlierVersions === 1
        ? '1 PENDING run of an earlier version keeps it'
        : `${pendingOfEarlierVersions} PENDING runs of earlier versions keep theirs`;
    const how = options.movePending
      ? 'this grid does not plan them'
      : `with --move-pending, those this grid plans run as version ${specVersion} instead`;
    lines.push(`${name}: ${runs} (${how})`);
  }
  return lines;
}
