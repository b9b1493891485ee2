import type { Command } from 'commander';
import { Queue } from '../../queue/queue.js';
import { loadSpecFile } from '../../spec/load-spec.js';
import type { EnqueueCounts } from '../../store/types.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';

export function defineAdd(program: Command, ctx: CliContext): void {
  const command = program
    .command('add')
    .description('expand a spec into runs and add the new ones to the queue (runs nothing)')
    .argument('<spec>', 'YAML experiment spec')
    .argument('[overrides...]', 'Hydra-style overrides: lr=0.1,0.01 seed=range(5) +model.depth=3 ~dropout')
    .option('--retry-failed', 'also put FAILED and CANCELLED runs of this grid back in the queue')
    .addHelpText(
      'after',
      examples('labbook add sweep.yaml', 'labbook add sweep.yaml lr=0.1,0.01 seed=range(3)', 'labbook add sweep.yaml --retry-failed'),
    );
  bindAction(command, ctx, async (ctx, options: GlobalOptions & { retryFailed?: boolean }, file: string, overrides: string[]) => {
    const loaded = loadSpecFile(file, overrides, ctx.cwd);
    const { experiment, counts } = await withStore(ctx, options, (store) =>
      new Queue(store, { clock: ctx.clock }).enqueue(loaded, options.retryFailed ? { requeueStates: ['FAILED', 'CANCELLED'] } : {}),
    );
    if (options.json) printJson(ctx, { experiment: experiment.name, ...counts });
    else print(ctx, describeEnqueue(experiment.name, counts));
    return 0;
  });
}

/** "cv: 45 runs planned: 40 added, 5 already COMPLETED (cached)". */
export function describeEnqueue(name: string, counts: EnqueueCounts): string {
  const parts = [`${counts.added} added`];
  if (counts.requeued) parts.push(`${counts.requeued} requeued`);
  for (const [state, n] of Object.entries(counts.unchanged)) {
    parts.push(`${n} already ${state}${state === 'COMPLETED' ? ' (cached)' : ''}`);
  }
  return `${name}: ${counts.planned} runs planned: ${parts.join(', ')}`;
}
