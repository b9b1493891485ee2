import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchedulerName } from './types.js';

/** One submission: the jobs it made and their tasks (each a worker), as `labbook jobs` lists them. */
export interface JobRecord {
  scheduler: SchedulerName;
  experiment: string;
  jobIds: string[];
  tasks: string[];
  script: string;
  submittedAt: number;
}

/** Where the submitted scripts, their tasks' output and the jobs file live: beside the store's objects. */
export function jobsDirectory(storeDir: string): string {
  return join(storeDir, 'jobs');
}

function jobsFile(storeDir: string): string {
  return join(jobsDirectory(storeDir), 'jobs.jsonl');
}

/** Appends one line: concurrent submissions each append whole lines (O_APPEND), nothing is rewritten. */
export function recordJob(storeDir: string, record: JobRecord): void {
  appendFileSync(jobsFile(storeDir), `${JSON.stringify(record)}\n`);
}

/** Every submission recorded in the store, oldest first (none when nothing was submitted). */
export function readJobs(storeDir: string): JobRecord[] {
  const file = jobsFile(storeDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JobRecord);
}
