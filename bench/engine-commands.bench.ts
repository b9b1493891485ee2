/**
 * 1,000 runs of `true` with 2 at a time, end to end: `labbook run` as a process (start-up,
 * enqueue, claim, spawn with its fd-3 channel and log files, environment, outcome in the
 * store), in a project whose store exists (`labbook init`, once per project, is timed apart and
 * printed as `init`). Baseline: `xargs -P 2 -n 1 true` on the same 1,000 items, which persists
 * nothing. Target: within 1.5× of xargs (issue 16).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bestSeconds, report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const RUNS = 1_000;
const LABBOOK = fileURLToPath(new URL('../../bin/labbook', import.meta.url));

/** Seconds of `labbook init` and of `labbook run` in a fresh project. */
function labbookRun(): { init: number; run: number } {
  const dir = scratchDir();
  writeFileSync(join(dir, 'sweep.yaml'), `name: trues\nparameters:\n  i: range(${RUNS})\ncommand: ["true"]\n`);
  const started = process.hrtime.bigint();
  execFileSync(LABBOOK, ['init'], { cwd: dir });
  const initialised = process.hrtime.bigint();
  const out = execFileSync(LABBOOK, ['--json', 'run', 'sweep.yaml', '-j', '2'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  const ended = process.hrtime.bigint();
  const completed = (JSON.parse(out.toString()) as { completed: number }).completed;
  if (completed !== RUNS) throw new Error(`expected ${RUNS} completed runs, got ${completed}`);
  removeScratch(dir);
  return { init: Number(initialised - started) / 1e9, run: Number(ended - initialised) / 1e9 };
}

function xargs(): void {
  execFileSync('sh', ['-c', `seq ${RUNS} | xargs -P 2 -n 1 true`]);
}

const baseline = await bestSeconds(3, xargs);
const timings = [labbookRun(), labbookRun(), labbookRun()];
const labbook = Math.min(...timings.map((timing) => timing.run));
report({
  name: 'engine: 1,000 runs of `true`, -j 2, wall time',
  value: labbook,
  unit: 's',
  baseline,
  baselineLabel: 'xargs -P 2 -n 1 true',
  ratio: labbook / baseline,
  target: 'ratio <= 1.5',
  init: Math.min(...timings.map((timing) => timing.init)),
});
