/**
 * `labbook submit` of a 10,000-run grid of no-op commands to 4 Slurm array workers on the
 * single-node cluster of scripts/slurm-up.sh: the time from submit to the first run started
 * (sbatch, Slurm's scheduling pass, the worker's start-up) and runs/s once running (first start
 * to last end). Baseline for runs/s: the same grid executed by one local `labbook worker -j 4`.
 * Skipped without a cluster (sinfo missing or not answering).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open-store.js';
import { report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const RUNS = 10_000;
const WORKERS = 4;
const NAME = 'slurm submit: 10,000-run grid to 4 array workers';
const LABBOOK = fileURLToPath(new URL('../../bin/labbook', import.meta.url));
const SPEC = { name: 'noop', parameters: { x: `range(${RUNS})` }, command: 'true {x}' };

/** A fresh project with the grid's spec; `execute` runs it; returns when every run started and ended, and when. */
async function measure(execute: (dir: string) => void): Promise<{ submittedAt: number; firstStart: number; lastEnd: number }> {
  const dir = scratchDir();
  try {
    execFileSync(LABBOOK, ['init'], { cwd: dir, stdio: 'ignore' });
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(SPEC));
    const submittedAt = Date.now();
    execute(dir);
    const store = await openStore({ cwd: dir });
    try {
      for (;;) {
        const done = (await store.countRuns({ states: ['COMPLETED', 'FAILED'] })).reduce((sum, row) => sum + row.count, 0);
        if (done === RUNS) break;
        await delay(500);
      }
      const runs = await store.listRuns({});
      const failed = runs.filter((run) => run.state !== 'COMPLETED').length;
      if (failed > 0) throw new Error(`${failed} runs did not complete`);
      return {
        submittedAt,
        firstStart: Math.min(...runs.map((run) => run.startedAt as number)),
        lastEnd: Math.max(...runs.map((run) => run.finishedAt as number)),
      };
    } finally {
      await store.close();
    }
  } finally {
    removeScratch(dir);
  }
}

const rate = (m: { firstStart: number; lastEnd: number }) => RUNS / ((m.lastEnd - m.firstStart) / 1000);

if (spawnSync('sinfo', ['-h'], { encoding: 'utf8' }).status !== 0) {
  process.stdout.write(`${JSON.stringify({ name: NAME, skipped: 'no Slurm cluster here (sudo scripts/slurm-up.sh starts one)' })}\n`);
} else {
  const cluster = await measure((dir) =>
    execFileSync(LABBOOK, ['submit', 'spec.json', '--workers', String(WORKERS)], { cwd: dir, stdio: 'ignore' }),
  );
  report({ name: `${NAME}, submit to first run started`, value: (cluster.firstStart - cluster.submittedAt) / 1000, unit: 's' });
  const local = await measure((dir) => {
    execFileSync(LABBOOK, ['add', 'spec.json'], { cwd: dir, stdio: 'ignore' });
    execFileSync(LABBOOK, ['worker', '-j', String(WORKERS), '-q'], { cwd: dir, stdio: 'ignore' });
  });
  report({
    name: `${NAME}, runs/s once running`,
    value: rate(cluster),
    unit: 'runs/s',
    baseline: rate(local),
    baselineLabel: 'one local labbook worker -j 4',
    ratio: rate(cluster) / rate(local),
  });
}
