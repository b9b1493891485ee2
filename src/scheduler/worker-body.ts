import { shellLine } from './shell-words.js';
import type { WorkerJob } from './types.js';

/** The lines after the directives, the same for every scheduler: each task is one worker. */
export function workerBody(job: WorkerJob): string[] {
  return [
    '',
    '# Each task is one labbook worker: it executes runs from the store until none is left. On',
    '# SIGTERM (a cancel, the time limit, a preemption) it gives its runs back to the queue.',
    `cd ${shellLine([job.cwd])} || exit 1`,
    `exec ${shellLine(job.workerCommand)}`,
    '',
  ];
}
