import type { Command } from 'commander';
import { resolveRun } from '../../queue/run-ref.js';
import { formatBytes } from '../../util/format-values.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';

export function defineArtifacts(program: Command, ctx: CliContext): void {
  const command = program
    .command('artifacts')
    .description("list a run's artifacts: name, size, media type, content hash")
    .argument('<run>', 'run id, or at least 6 characters of its hash')
    .addHelpText('after', examples('labbook artifacts 42', 'labbook artifacts 3fa9c1 --json'));
  bindAction(command, ctx, async (ctx, options, ref: string) => {
    const { run, artifacts } = await withStore(ctx, options, async (store) => {
      const run = await resolveRun(store, ref);
      return { run, artifacts: await store.listArtifacts(run.id) };
    });
    if (options.json) printJson(ctx, artifacts);
    else if (artifacts.length === 0) print(ctx, `Run ${run.id} has no artifacts.`);
    else
      print(
        ctx,
        textTable(
          ['name', 'size', 'type', 'sha256', 'attempt'],
          artifacts.map((a) => [a.name, formatBytes(a.size), a.mediaType, a.sha256.slice(0, 12), a.attempt]),
        ),
      );
    return 0;
  });
}
