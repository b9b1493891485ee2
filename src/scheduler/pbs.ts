import { directiveWord } from './shell-words.js';
import type { Scheduler, TaskStatus } from './types.js';
import { workerBody } from './worker-body.js';

const STATES: Record<string, string> = {
  Q: 'QUEUED',
  R: 'RUNNING',
  E: 'EXITING',
  C: 'COMPLETED',
  H: 'HELD',
  W: 'WAITING',
  S: 'SUSPENDED',
  T: 'MOVING',
};

/** PBS/Torque: one array job (`qsub -t 0-(N-1)`, Torque's array syntax); qsub prints `id[].server`. */
export const pbs: Scheduler = {
  name: 'pbs',
  directivePrefix: '#PBS',
  script(job) {
    const nodes = `nodes=1:ppn=${job.cpus ?? 1}${job.gpus !== undefined ? `:gpus=${job.gpus}` : ''}`;
    const options = [
      ['-N', job.name],
      ['-t', `0-${job.workers - 1}`],
      // A directory: Torque names each task's file <name>.o<id>-<task> in it.
      ['-o', `${job.logDir}/`],
      ['-j', 'oe'],
      ['-l', nodes],
      ...(job.memoryMb !== undefined ? [['-l', `mem=${job.memoryMb}mb`]] : []),
      ...(job.time !== undefined ? [['-l', `walltime=${job.time}`]] : []),
      ...(job.partition !== undefined ? [['-q', job.partition]] : []),
    ];
    const lines = options.map(([flag, value]) => `#PBS ${flag} ${directiveWord(value as string)}`);
    return ['#!/bin/bash', ...lines, ...job.directives, ...workerBody(job)].join('\n');
  },
  submitCommand: (job, scriptPath) => ({ argv: ['qsub', ...job.submitArgs, scriptPath] }),
  jobIdsOf: (output) => [...output.matchAll(/^(\d+\[\][^\s]*|\d+(?:\.[^\s]+)?)$/gm)].map((match) => match[1] as string),
  taskIdsOf: (jobIds, workers) => jobIds.flatMap((id) => Array.from({ length: workers }, (_, task) => id.replace('[]', `[${task}]`))),
  // -t: one line per array task. Columns: Job ID, Name, User, Time Use, S, Queue.
  statusCommand: (jobIds) => ({ argv: ['qstat', '-t', ...jobIds] }),
  parseStatus: (output) =>
    output.split('\n').flatMap((line): TaskStatus[] => {
      const words = line.trim().split(/\s+/);
      if (!/^\d+\[\d+\]/.test(words[0] ?? '') || words.length < 6) return [];
      const state = words[4] as string;
      return [{ task: words[0] as string, state: STATES[state] ?? state }];
    }),
  cancelCommand: (jobIds) => ({ argv: ['qdel', ...jobIds] }),
};
