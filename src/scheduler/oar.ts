import { directiveWord } from './shell-words.js';
import type { Scheduler, TaskStatus } from './types.js';
import { workerBody } from './worker-body.js';

/**
 * OAR: `--array N` makes N jobs, one per task, each with its own id (oarsub prints one
 * `OAR_JOB_ID=` line per task). OAR has no memory request: a spec's memory becomes a note in
 * the script, and nodes with enough are chosen by a property (`-p`, through --sbatch-arg).
 */
export const oar: Scheduler = {
  name: 'oar',
  directivePrefix: '#OAR',
  script(job) {
    const resources = `/nodes=1/core=${job.cpus ?? 1}${job.gpus !== undefined ? `/gpu=${job.gpus}` : ''}${job.time !== undefined ? `,walltime=${job.time}` : ''}`;
    const options = [
      ['-n', job.name],
      ['--array', String(job.workers)],
      ['-l', resources],
      // %jobid% is OAR's own placeholder.
      ['-O', `${job.logDir}/${job.name}-%jobid%.out`],
      ['-E', `${job.logDir}/${job.name}-%jobid%.out`],
      ['-d', job.cwd],
      ...(job.partition !== undefined ? [['-q', job.partition]] : []),
    ];
    const lines = options.map(([flag, value]) => `#OAR ${flag} ${directiveWord(value as string)}`);
    const memory = job.memoryMb !== undefined ? [`# Each run asks for ${job.memoryMb} MiB of memory (OAR has no memory request).`] : [];
    return ['#!/bin/bash', ...lines, ...job.directives, ...memory, ...workerBody(job)].join('\n');
  },
  // -S reads the #OAR lines of the script, which must be executable (submit makes it so).
  submitCommand: (job, scriptPath) => ({ argv: ['oarsub', ...job.submitArgs, '-S', scriptPath] }),
  jobIdsOf: (output) => [...output.matchAll(/^OAR_JOB_ID=(\d+)$/gm)].map((match) => match[1] as string),
  taskIdsOf: (jobIds) => [...jobIds],
  statusCommand: (jobIds) => ({ argv: ['oarstat', '-s', ...jobIds.flatMap((id) => ['-j', id])] }),
  // "123: Running"
  parseStatus: (output) =>
    [...output.matchAll(/^(\d+): (\w+)$/gm)].map(
      (match): TaskStatus => ({ task: match[1] as string, state: (match[2] as string).toUpperCase() }),
    ),
  cancelCommand: (jobIds) => ({ argv: ['oardel', ...jobIds] }),
};
