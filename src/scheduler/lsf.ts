import { directiveWord } from './shell-words.js';
import type { Scheduler, TaskStatus } from './types.js';
import { workerBody } from './worker-body.js';

/** IBM Spectrum LSF: one job array (`-J "name[1-N]"`); bsub reads the script on stdin so that it reads its #BSUB lines. */
export const lsf: Scheduler = {
  name: 'lsf',
  directivePrefix: '#BSUB',
  script(job) {
    const options = [
      ['-J', `${job.name}[1-${job.workers}]`],
      // %J is the job id, %I the task's index.
      ['-o', `${job.logDir}/${job.name}-%J_%I.out`],
      ['-cwd', job.cwd],
      ...(job.cpus !== undefined
        ? [
            ['-n', String(job.cpus)],
            ['-R', 'span[hosts=1]'],
          ]
        : []),
      ...(job.memoryMb !== undefined ? [['-R', `rusage[mem=${job.memoryMb}]`]] : []),
      ...(job.gpus !== undefined ? [['-gpu', `num=${job.gpus}`]] : []),
      ...(job.time !== undefined ? [['-W', job.time]] : []),
      ...(job.partition !== undefined ? [['-q', job.partition]] : []),
    ];
    const lines = options.map(([flag, value]) => `#BSUB ${flag} ${directiveWord(value as string)}`);
    return ['#!/bin/bash', ...lines, ...job.directives, ...workerBody(job)].join('\n');
  },
  submitCommand: (job, scriptPath) => ({ argv: ['bsub', ...job.submitArgs], stdinFile: scriptPath }),
  // "Job <123> is submitted to queue <normal>."
  jobIdsOf: (output) => [...output.matchAll(/^Job <(\d+)> is submitted/gm)].map((match) => match[1] as string),
  taskIdsOf: (jobIds, workers) => jobIds.flatMap((id) => Array.from({ length: workers }, (_, task) => `${id}[${task + 1}]`)),
  statusCommand: (jobIds) => ({ argv: ['bjobs', '-a', '-noheader', '-o', 'jobid jobindex stat exec_host', ...jobIds] }),
  parseStatus: (output) =>
    output.split('\n').flatMap((line): TaskStatus[] => {
      const [id, index, state, host] = line.trim().split(/\s+/);
      if (!id || !/^\d+$/.test(id) || !state) return [];
      return [{ task: `${id}[${index}]`, state, ...(host && host !== '-' && { detail: host }) }];
    }),
  cancelCommand: (jobIds) => ({ argv: ['bkill', ...jobIds] }),
};
