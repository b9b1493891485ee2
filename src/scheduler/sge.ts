import { directiveWord } from './shell-words.js';
import type { Scheduler, TaskStatus } from './types.js';
import { workerBody } from './worker-body.js';

const STATES: Record<string, string> = {
  r: 'RUNNING',
  t: 'STARTING',
  qw: 'PENDING',
  hqw: 'HELD',
  s: 'SUSPENDED',
  dr: 'CANCELLING',
  Eqw: 'ERROR',
};

/** Sun/Son of/Univa Grid Engine: one array job (`qsub -t 1-N`), the tasks numbered from 1. */
export const sge: Scheduler = {
  name: 'sge',
  directivePrefix: '#$',
  script(job) {
    const options = [
      ['-N', job.name],
      ['-t', `1-${job.workers}`],
      // $JOB_ID and $TASK_ID are Grid Engine's own pseudo variables of -o.
      ['-o', `${job.logDir}/${job.name}-$JOB_ID.$TASK_ID.out`],
      ['-j', 'y'],
      ['-S', '/bin/bash'],
      ['-wd', job.cwd],
      ...(job.cpus !== undefined ? [['-pe', `smp ${job.cpus}`]] : []),
      // h_vmem is per slot: the run's memory shared among its CPUs.
      ...(job.memoryMb !== undefined ? [['-l', `h_vmem=${Math.ceil(job.memoryMb / (job.cpus ?? 1))}M`]] : []),
      ...(job.gpus !== undefined ? [['-l', `gpu=${job.gpus}`]] : []),
      ...(job.time !== undefined ? [['-l', `h_rt=${job.time}`]] : []),
      ...(job.partition !== undefined ? [['-q', job.partition]] : []),
    ];
    const lines = options.map(([flag, value]) => `#$ ${flag} ${flag === '-pe' ? value : directiveWord(value as string)}`);
    return ['#!/bin/bash', ...lines, ...job.directives, ...workerBody(job)].join('\n');
  },
  submitCommand: (job, scriptPath) => ({ argv: ['qsub', '-terse', ...job.submitArgs, scriptPath] }),
  // -terse prints `id` or, for an array job, `id.1-4:1`.
  jobIdsOf: (output) => [...output.matchAll(/^(\d+)(?:\.\S*)?$/gm)].map((match) => match[1] as string),
  taskIdsOf: (jobIds, workers) => jobIds.flatMap((id) => Array.from({ length: workers }, (_, task) => `${id}.${task + 1}`)),
  // -g d: one line per array task. Columns: job-ID prior name user state submit/start-at (2 words) [queue] slots ja-task-ID.
  statusCommand: () => ({ argv: ['qstat', '-g', 'd', '-u', '*'] }),
  parseStatus: (output) =>
    output.split('\n').flatMap((line): TaskStatus[] => {
      const words = line.trim().split(/\s+/);
      if (!/^\d+$/.test(words[0] ?? '') || words.length < 8) return [];
      const state = words[4] as string;
      return [{ task: `${words[0]}.${words[words.length - 1]}`, state: STATES[state] ?? state }];
    }),
  cancelCommand: (jobIds) => ({ argv: ['qdel', ...jobIds] }),
};
