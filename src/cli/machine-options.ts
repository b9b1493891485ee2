import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { lazyMachine, type Machine, type MachineOverrides, parseDeviceList } from '../runner/machine.js';
import { assertFitsMachine } from '../runner/resource-pool.js';
import { parseMemorySize } from '../spec/memory-size.js';
import type { ExperimentSpec } from '../spec/types.js';
import { positiveInteger } from './command-kit.js';
import type { CliContext } from './context.js';

/** Flags that describe the machine runs are packed on (`add`, `run`, `worker`). */
export interface MachineFlags {
  cpus?: string;
  memory?: string;
  gpus?: string;
}

export function addMachineFlags(command: Command): Command {
  return command
    .option('--cpus <n>', "CPUs runs may hold at once, by their spec's resources: cpus (default: this machine's)")
    .option('--memory <size>', 'memory runs may hold at once, e.g. 64G (default: the memory of this machine)')
    .option(
      '--gpus <devices>',
      'GPU devices to lend runs, e.g. 0,1,2,3 (default: $CUDA_VISIBLE_DEVICES, else what nvidia-smi -L lists, else none)',
    );
}

/** The machine the flags describe, checked now (a bad flag is a usage error before the store is opened), detected when needed. */
export function machineOf(ctx: CliContext, flags: MachineFlags): () => Machine {
  const overrides: MachineOverrides = {
    ...(flags.cpus !== undefined && { cpus: positiveInteger(flags.cpus, '--cpus', 'labbook run sweep.yaml --cpus 16') }),
    ...(flags.memory !== undefined && { memoryBytes: memoryOf(flags.memory) }),
    ...(flags.gpus !== undefined && { gpus: parseDeviceList(flags.gpus) }),
  };
  return lazyMachine(overrides, ctx.env);
}

/** Refuses a spec whose runs ask for more than the machine has (before anything is written). */
export function assertSpecFitsMachine(spec: ExperimentSpec, machine: () => Machine): void {
  if (spec.resources) assertFitsMachine(spec.name, spec.resources, machine());
}

function memoryOf(text: string): number {
  const bytes = parseMemorySize(text);
  if (bytes === undefined || bytes <= 0)
    throw new UsageError(`--memory '${text}' is not a memory size; write e.g. --memory 64G or --memory 512M`);
  return bytes;
}
