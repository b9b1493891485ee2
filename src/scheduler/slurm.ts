import { directiveWord } from './shell-words.js';
import type { Scheduler, TaskStatus } from './types.js';
import { workerBody } from './worker-body.js';

/**
 * Slurm: one `sbatch --array=0-(N-1)` job whose tasks are workers. Job states come from
 * `squeue -t all`, which also lists finished tasks until Slurm forgets them (MinJobAge).
 */
export const slurm: Scheduler = {
  name: 'slurm',
  directivePrefix: '#SBATCH',
  script(job) {
    const options = [
      `--job-name=${job.name}`,
      `--array=0-${job.workers - 1}`,
      `--output=${job.logDir}/${job.name}-%A_%a.out`,
      `--chdir=${job.cwd}`,
      ...(job.cpus !== undefined ? [`--cpus-per-task=${job.cpus}`] : []),
      ...(job.gres !== undefined ? [`--gres=${job.gres}`] : job.gpus !== undefined ? [`--gres=gpu:${job.gpus}`] : []),
      ...(job.memoryMb !== undefined ? [`--mem=${job.memoryMb}M`] : []),
      ...(job.time !== undefined ? [`--time=${job.time}`] : []),
      ...(job.partition !== undefined ? [`--partition=${job.partition}`] : []),
    ];
    return ['#!/bin/bash', ...options.map((option) => `#SBATCH ${directiveWord(option)}`), ...job.directives, ...workerBody(job)].join(
      '\n',
    );
  },
  submitCommand: (job, scriptPath) => ({ argv: ['sbatch', '--parsable', ...job.submitArgs, scriptPath] }),
  // --parsable prints `id` or `id;cluster`.
  jobIdsOf: (output) => [...output.matchAll(/^(\d+)(?:;\S*)?$/gm)].map((match) => match[1] as string),
  taskIdsOf: (jobIds, workers) => jobIds.flatMap((id) => Array.from({ length: workers }, (_, task) => `${id}_${task}`)),
  statusCommand: (jobIds) => ({
    argv: ['squeue', '--noheader', '--array', '--states=all', `--jobs=${jobIds.join(',')}`, '--format=%i|%T|%R'],
  }),
  parseStatus: (output) =>
    output
      .split('\n')
      .filter((line) => line.includes('|'))
      .map((line): TaskStatus => {
        const [task, state, detail] = line.split('|') as [string, string, string | undefined];
        return { task: task.trim(), state: state.trim(), ...(detail?.trim() && detail.trim() !== '(None)' && { detail: detail.trim() }) };
      }),
  cancelCommand: (jobIds) => ({ argv: ['scancel', ...jobIds] }),
};
