import type { Command } from 'commander';
import type { EntityRecord } from '../../domain/provenance.js';
import { parseEntityFilter, selectEntities } from '../../lineage/index.js';
import { formatTime } from '../../util/format-values.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';

export function defineEntities(program: Command, ctx: CliContext): void {
  const command = program
    .command('entities')
    .description('list provenance entities (datasets, transforms, models, training runs, predictions, evaluations) a filter selects')
    .argument(
      '[filter...]',
      'key=value terms that must all hold: kind, name, version, tag, task, metric, upstream, via (docs/provenance.md)',
    )
    .addHelpText(
      'after',
      examples(
        'labbook entities kind=dataset',
        'labbook entities kind=evaluation upstream=dataset:digits-train via=trained_on',
        'labbook entities tag=baseline --json',
      ),
    );
  bindAction(command, ctx, async (ctx, options, words: string[]) => {
    const filter = parseEntityFilter(words.join(' '));
    const records = await withStore(ctx, options, (store) => selectEntities(store, filter));
    if (options.json) printJson(ctx, records);
    else if (records.length === 0) print(ctx, 'No entities match. Record some from Python: labbook.track(...) (docs/provenance.md).');
    else print(ctx, textTable(['id', 'kind', 'name', 'version', 'what', 'tags', 'recorded'], records.map(row)));
    return 0;
  });
}

function row(record: EntityRecord): string[] {
  return [
    record.uid.slice(0, 12),
    record.kind,
    record.name,
    record.version ?? '-',
    summary(record),
    record.tags.join(','),
    formatTime(record.createdAt),
  ];
}

/** The one fact that tells entities of a kind apart. */
function summary({ entity }: EntityRecord): string {
  switch (entity.kind) {
    case 'dataset':
      return `${entity.rows ?? '?'} rows${entity.fold ? `, fold ${entity.fold.index + 1}/${entity.fold.count} (${entity.fold.part})` : ''}`;
    case 'transform':
      return `${entity.graph.nodes.length} steps`;
    case 'model':
      return entity.algorithm;
    case 'training_run':
      return `run ${entity.run}`;
    case 'prediction':
      return entity.pointer ?? '';
    case 'evaluation':
      return `${entity.metric.name} = ${entity.value}`;
  }
}
