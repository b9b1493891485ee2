import type { Resources } from '../spec/types.js';
import type { WorkerJob } from './types.js';

const MIB_PER_UNIT: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** A spec's memory size (`16G`, `512M`, `1.5GiB`) in whole MiB, rounded up: every scheduler takes that. */
export function memoryMegabytes(memory: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT])/i.exec(memory.trim());
  if (!match) throw new Error(`not a memory size: ${memory}`);
  return Math.ceil(Number(match[1]) * (MIB_PER_UNIT[(match[2] as string).toUpperCase()] as number));
}

/** What one worker task asks of the cluster: the spec's resources, per run (a worker runs one run at a time). */
export function taskResources(resources: Resources | undefined): Pick<WorkerJob, 'cpus' | 'gpus' | 'memoryMb'> {
  return {
    ...(resources?.cpus !== undefined && { cpus: resources.cpus }),
    ...(resources?.gpus !== undefined && resources.gpus > 0 && { gpus: resources.gpus }),
    ...(resources?.memory !== undefined && { memoryMb: memoryMegabytes(resources.memory) }),
  };
}
