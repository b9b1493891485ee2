/**
 * `labbook add` of a 1,000,000-run grid into a fresh store, as a process: start-up, plan,
 * hash, insert with an audit event each; wall time and peak memory (RSS). Baseline: bare
 * SQLite inserting the same 1,000,000 rows (hash and params) into a table keyed by hash in
 * one transaction, also a process of its own. Target: ≤ 8 s and ≤ 150 MB.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bestSeconds, report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const RUNS = 1_000_000;
const SPEC = {
  name: 'million',
  parameters: { lr: 'range(0, 1, 0.01)', depth: 'range(10)', width: [64, 128, 256, 512, 1024], seed: 'range(200)' },
  command: 'python train.py --lr {lr} --depth {depth} --width {width} --seed {seed}',
};
const LABBOOK = fileURLToPath(new URL('../../bin/labbook', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.js', import.meta.url));
const BARE_INSERT = fileURLToPath(new URL('./bare-insert.js', import.meta.url));

/** Runs `command` in a fresh directory holding the spec as spec.json; returns the process's peak RSS in MB. */
function measured(command: (dir: string) => void): () => number {
  return () => {
    const dir = scratchDir();
    try {
      writeFileSync(join(dir, 'spec.json'), JSON.stringify(SPEC));
      process.env.LABBOOK_BENCH_PEAK_RSS = join(dir, 'peak-rss');
      process.env.NODE_OPTIONS = `--import=${PEAK_RSS}`;
      command(dir);
      return Number(readFileSync(join(dir, 'peak-rss'), 'utf8')) / 1e6;
    } finally {
      delete process.env.NODE_OPTIONS;
      removeScratch(dir);
    }
  };
}

const peaks = { labbook: Number.POSITIVE_INFINITY, bare: Number.POSITIVE_INFINITY };
const labbookAdd = measured((dir) => {
  execFileSync(LABBOOK, ['init'], { cwd: dir, stdio: 'ignore' });
  const out = execFileSync(LABBOOK, ['--json', 'add', 'spec.json'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const added = (JSON.parse(out.toString()) as { added: number }).added;
  if (added !== RUNS) throw new Error(`expected ${RUNS} runs, got ${added}`);
});
const bareInsert = measured((dir) => execFileSync(process.execPath, [BARE_INSERT, join(dir, 'spec.json'), dir], { stdio: 'inherit' }));

const bare = await bestSeconds(2, () => {
  peaks.bare = Math.min(peaks.bare, bareInsert());
});
const labbook = await bestSeconds(2, () => {
  peaks.labbook = Math.min(peaks.labbook, labbookAdd());
});
report({
  name: 'add: 1,000,000-run grid, fresh store, wall time',
  value: labbook,
  unit: 's',
  baseline: bare,
  baselineLabel: 'bare SQLite insert of the same rows (hash, params) into a table keyed by hash, one transaction',
  ratio: labbook / bare,
  peakRssMB: peaks.labbook,
  baselinePeakRssMB: peaks.bare,
  target: '<= 8 s and <= 150 MB peak RSS',
});
