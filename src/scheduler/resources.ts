import { parseMemorySize } from '../spec/memory-size.js';
import type { Resources } from '../spec/types.js';
import type { WorkerJob } from './types.js';

/** A spec's memory size (`16G`, `512M`, `1.5GiB`) in whole MiB, rounded up: every scheduler takes that. */
export function memoryMegabytes(memory: string): number {
  const bytes = parseMemorySize(memory);
  if (bytes === undefined) throw new Error(`not a memory size: ${memory}`);
  return Math.ceil(bytes / 1024 ** 2);
}

/** What one worker task asks of the cluster: the spec's resources, per run (a worker runs one run at a time). */
export function taskResources(resources: Resources | undefined): Pick<WorkerJob, 'cpus' | 'gpus' | 'memoryMb'> {
  return {
    ...(resources?.cpus !== undefined && { cpus: resources.cpus }),
    ...(resources?.gpus !== undefined && resources.gpus > 0 && { gpus: resources.gpus }),
    ...(resources?.memory !== undefined && { memoryMb: memoryMegabytes(resources.memory) }),
  };
}
