import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { LINEAGE_FORMATS, type LineageFormat, lineageGraph, renderLineage, resolveEntity } from '../../lineage/index.js';
import { bindAction, examples, positiveInteger } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, withStore } from '../context.js';

interface LineageOptions extends GlobalOptions {
  format?: string;
  down?: boolean;
  depth?: string;
}

export function defineLineage(program: Command, ctx: CliContext): void {
  const command = program
    .command('lineage')
    .description('the lineage of a provenance entity: what it was made of, as a tree, Graphviz DOT, Mermaid or JSON')
    .argument('<entity>', 'at least 6 hex digits of its id, or kind:name[@version]')
    .option('--format <format>', `output: ${LINEAGE_FORMATS.join(', ')} (default: text; json with --json)`)
    .option('--down', 'what was made of it instead (models trained on a dataset, their evaluations…)')
    .option('--depth <n>', 'at most this many edges away')
    .addHelpText(
      'after',
      examples(
        'labbook lineage 3fa9c1d2',
        'labbook lineage dataset:digits@1 --down',
        'labbook lineage 3fa9c1 --format dot | dot -Tsvg > lineage.svg',
      ),
    );
  bindAction(command, ctx, async (ctx, options: LineageOptions, ref: string) => {
    const format = (options.format ?? (options.json ? 'json' : 'text')) as LineageFormat;
    if (!LINEAGE_FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${LINEAGE_FORMATS.join(', ')}, not '${options.format}'`);
    if (options.json && format !== 'json') throw new UsageError(`--json prints the lineage as JSON; drop it to get --format ${format}`);
    const depth = options.depth === undefined ? undefined : positiveInteger(options.depth, '--depth', '--depth 2');
    const graph = await withStore(ctx, options, async (store) =>
      lineageGraph(store, (await resolveEntity(store, ref)).uid, options.down ? 'downstream' : 'upstream', depth),
    );
    print(ctx, renderLineage(graph, format));
    return 0;
  });
}
