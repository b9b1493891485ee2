import { dirname, isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunState } from '../../domain/index.js';
import { SpecError, UsageError } from '../../errors.js';
import { describeEnqueue } from '../../queue/describe-enqueue.js';
import { type EnqueueResult, type EnqueueSpecOptions, Queue } from '../../queue/queue.js';
import { NothingToExecuteError } from '../../runner/runner-errors.js';
import { type SnapshotFlags, snapshotSpec } from '../../snapshot/index.js';
import { executesRuns } from '../../spec/executes-runs.js';
import { DEFAULT_GRID_LIMIT } from '../../spec/grid-size.js';
import { type LoadedSpec, loadSpecFile } from '../../spec/load-spec.js';
import type { Store } from '../../store/types.js';
import { withThousands } from '../../util/thousands.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { addMachineFlags, assertSpecFitsMachine, type MachineFlags, machineOf } from '../machine-options.js';

/** Flags `add` and `run` share. */
export interface EnqueueFlags extends SnapshotFlags {
  movePending?: boolean;
  gridLimit?: string;
  rerunIfCodeChanged?: boolean;
}

export function defineAdd(program: Command, ctx: CliContext): void {
  const command = addEnqueueFlags(
    addMachineFlags(
      program
        .command('add')
        .description('expand a spec into runs and add the new ones to the queue (runs nothing)')
        .argument('<spec>', 'YAML experiment spec')
        .argument('[overrides...]', 'Hydra-style overrides: lr=0.1,0.01 seed=range(5) +model.depth=3 ~dropout')
        .option('--retry-failed', 'also put FAILED and CANCELLED runs of this grid back in the queue'),
    ),
  ).addHelpText(
    'after',
    `${examples(
      'labbook add sweep.yaml',
      'labbook add sweep.yaml lr=0.1,0.01 seed=range(3)',
      'labbook add sweep.yaml --retry-failed',
      'labbook add sweep.yaml --move-pending',
    )}\nA changed spec is a new version of its experiment: runs already queued keep the version they were planned with.\n`,
  );
  bindAction(
    command,
    ctx,
    async (ctx, options: GlobalOptions & EnqueueFlags & MachineFlags & { retryFailed?: boolean }, file: string, overrides: string[]) => {
      const enqueue = enqueueOptions(ctx, options, options.retryFailed ? ['FAILED', 'CANCELLED'] : []);
      const loaded = loadSpecToEnqueue(ctx, file, overrides);
      assertSpecFitsMachine(loaded.spec, machineOf(ctx, options));
      const result = await withStore(ctx, options, (store) => enqueueSpec(ctx, store, file, loaded, options, enqueue));
      if (options.json) printJson(ctx, enqueueJson(result));
      else print(ctx, describeEnqueue(result, enqueue).join('\n'));
      if (!executesRuns(loaded.spec)) ctx.log.warn(new NothingToExecuteError(loaded.spec.name).message);
      return 0;
    },
  );
}

export function addEnqueueFlags(command: Command): Command {
  return command
    .option(
      '--move-pending',
      'PENDING runs of earlier versions of the spec execute this version if this grid plans them (else they keep theirs)',
    )
    .option(
      '--grid-limit <runs>',
      `refuse a grid of more runs than this (default ${withThousands(DEFAULT_GRID_LIMIT)}, or $LABBOOK_GRID_LIMIT)`,
    )
    .option('--snapshot', "runs execute a copy of the spec's git repository taken now (as code: {snapshot: true}); records its commit")
    .option('--allow-dirty', 'with --snapshot: take uncommitted changes too (recorded as a diff) instead of refusing them')
    .option('--rerun-if-code-changed', 'with a snapshot: a COMPLETED run is the cache only if it ran the same code');
}

/**
 * Takes the code snapshot the spec or the flags ask for, then saves the spec and adds its
 * runs (`add` and `run`). Uncommitted changes refused, nothing is written.
 */
export async function enqueueSpec(
  ctx: CliContext,
  store: Store,
  file: string,
  loaded: LoadedSpec,
  flags: EnqueueFlags,
  enqueue: EnqueueSpecOptions,
): Promise<EnqueueResult> {
  const snapped = await snapshotSpec(loaded, flags, { file, cwd: ctx.cwd, env: ctx.env, store, now: ctx.clock.now() });
  if (flags.rerunIfCodeChanged && !snapped.spec.code?.tree) {
    throw new UsageError('--rerun-if-code-changed compares code snapshots: add --snapshot (or code: {snapshot: true} in the spec)');
  }
  return new Queue(store, { clock: ctx.clock }).enqueue(snapped, enqueue);
}

/**
 * The spec as `add` and `run` enqueue it. Its `function: ./train.ts#train` is relative to the
 * spec file; workers elsewhere need it absolute, and the same function must be the same run
 * setup whichever command added it.
 */
export function loadSpecToEnqueue(ctx: CliContext, file: string, overrides: string[]): LoadedSpec {
  const loaded = loadSpecFile(file, overrides, ctx.cwd);
  if (loaded.spec.search) {
    throw new SpecError([
      {
        file,
        key: 'search',
        message: `a spec with a search space is run by 'labbook tune ${file}' (docs/studies.md), not added as a grid`,
      },
    ]);
  }
  const reference = loaded.spec.function;
  if (reference === undefined || isAbsolute(reference)) return loaded;
  const absolute = resolve(dirname(resolve(ctx.cwd, file)), reference);
  return { spec: { ...loaded.spec, function: absolute }, raw: { ...loaded.raw, function: absolute } };
}

/** What the flags ask of Queue.enqueue, checked before the store is opened. */
export function enqueueOptions(ctx: CliContext, flags: EnqueueFlags, requeueStates: RunState[]): EnqueueSpecOptions {
  const limit = flags.gridLimit ?? ctx.env.LABBOOK_GRID_LIMIT;
  if (limit !== undefined && (!/^\d+$/.test(limit) || Number(limit) < 1)) {
    throw new UsageError(
      `grid limit '${limit}' (--grid-limit or $LABBOOK_GRID_LIMIT) is not a positive whole number of runs, e.g. --grid-limit 20000000`,
    );
  }
  return {
    requeueStates,
    ...(flags.movePending && { movePending: true }),
    ...(limit !== undefined && { gridLimit: Number(limit) }),
    ...(flags.rerunIfCodeChanged && { cacheByCode: true }),
  };
}

function enqueueJson({ experiment, counts, changedFrom, pendingOfEarlierVersions }: EnqueueResult): object {
  return { experiment: experiment.name, specVersion: experiment.specVersion, ...counts, changedFrom, pendingOfEarlierVersions };
}
