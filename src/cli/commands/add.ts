import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { type EnqueueSpecOptions, Queue } from '../../queue/queue.js';
import { DEFAULT_GRID_LIMIT } from '../../spec/grid-size.js';
import { loadSpecFile } from '../../spec/load-spec.js';
import type { EnqueueCounts, RunState } from '../../store/types.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';

/** Flags `add` and `run` share. */
export interface EnqueueFlags {
  gridLimit?: string;
}

export function defineAdd(program: Command, ctx: CliContext): void {
  const command = addEnqueueFlags(
    program
      .command('add')
      .description('expand a spec into runs and add the new ones to the queue (runs nothing)')
      .argument('<spec>', 'YAML experiment spec')
      .argument('[overrides...]', 'Hydra-style overrides: lr=0.1,0.01 seed=range(5) +model.depth=3 ~dropout')
      .option('--retry-failed', 'also put FAILED and CANCELLED runs of this grid back in the queue'),
  ).addHelpText(
    'after',
    examples('labbook add sweep.yaml', 'labbook add sweep.yaml lr=0.1,0.01 seed=range(3)', 'labbook add sweep.yaml --retry-failed'),
  );
  bindAction(
    command,
    ctx,
    async (ctx, options: GlobalOptions & EnqueueFlags & { retryFailed?: boolean }, file: string, overrides: string[]) => {
      const enqueue = enqueueOptions(ctx, options, options.retryFailed ? ['FAILED', 'CANCELLED'] : []);
      const loaded = loadSpecFile(file, overrides, ctx.cwd);
      const { experiment, counts } = await withStore(ctx, options, (store) =>
        new Queue(store, { clock: ctx.clock }).enqueue(loaded, enqueue),
      );
      if (options.json) printJson(ctx, { experiment: experiment.name, ...counts });
      else print(ctx, describeEnqueue(experiment.name, counts));
      return 0;
    },
  );
}

export function addEnqueueFlags(command: Command): Command {
  return command.option(
    '--grid-limit <runs>',
    `refuse a grid of more runs than this (default ${DEFAULT_GRID_LIMIT.toLocaleString('en-US')}, or $LABBOOK_GRID_LIMIT)`,
  );
}

/** What the flags ask of Queue.enqueue, checked before the store is opened. */
export function enqueueOptions(ctx: CliContext, flags: EnqueueFlags, requeueStates: RunState[]): EnqueueSpecOptions {
  const limit = flags.gridLimit ?? ctx.env.LABBOOK_GRID_LIMIT;
  if (limit !== undefined && (!/^\d+$/.test(limit) || Number(limit) < 1)) {
    throw new UsageError(
      `grid limit '${limit}' (--grid-limit or $LABBOOK_GRID_LIMIT) is not a positive whole number of runs, e.g. --grid-limit 20000000`,
    );
  }
  return { requeueStates, ...(limit !== undefined && { gridLimit: Number(limit) }) };
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
