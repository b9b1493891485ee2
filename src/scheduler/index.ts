import { UsageError } from '../errors.js';
import { lsf } from './lsf.js';
import { oar } from './oar.js';
import { pbs } from './pbs.js';
import { sge } from './sge.js';
import { slurm } from './slurm.js';
import { SCHEDULER_NAMES, type Scheduler, type SchedulerName } from './types.js';

export type { Scheduler, SchedulerName, TaskStatus, WorkerJob } from './types.js';

const SCHEDULERS: Record<SchedulerName, Scheduler> = { slurm, sge, pbs, lsf, oar };

/** The scheduler `--scheduler` names. */
export function schedulerNamed(name: string): Scheduler {
  if (!(SCHEDULER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--scheduler '${name}' is not one labbook knows; use one of ${SCHEDULER_NAMES.join(', ')}`);
  }
  return SCHEDULERS[name as SchedulerName];
}
