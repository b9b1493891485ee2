/**
 * labbook beside PyExperimenter 1.4 (bench/pyexperimenter-peer.py, in .venv-bench), issue 17.
 * 1. A no-op grid of 500 runs, 8 worker processes: labbook's PostgreSQL store (the workers of
 *    bench/postgres-claim) against PyExperimenter's MySQL provider on a local MariaDB, 8
 *    processes each calling execute() on the same table. Each side from its first claim to
 *    its last completion. Target: labbook >= 20x the runs/s. 500 runs, not more: PyExperimenter
 *    does a few runs/s here, and the grid is the same on both sides.
 * 2. A no-op grid of 1,000 runs, 2 at a time, on SQLite: PyExperimenter's SQLite provider with
 *    n_jobs: 2 often stops with `database is locked`, leaving most runs undone (its pull is not
 *    atomic either: a run can be executed twice); `labbook run -j 2` completes them all.
 *    Figure: the fewest runs completed by each in 3 tries, how many of PyExperimenter's tries
 *    stopped on `database is locked`, and the runs each executed more than once.
 * Needs $LABBOOK_TEST_POSTGRES (scripts/pg-up.sh) and the MARIADB_* variables
 * (scripts/mariadb-up.sh) for the first; each figure says skipped without what it needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labbookWorkers, withSchema } from './postgres-workers.js';
import { report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const PYTHON = join(ROOT, '.venv-bench', 'bin', 'python');
const PEER = join(ROOT, 'bench', 'pyexperimenter-peer.py');
const LABBOOK = join(ROOT, 'bin', 'labbook');
const SERVER_RUNS = 500;
const PROCESSES = 8;
const SQLITE_RUNS = 1_000;
const JOBS = 2;
// Whether PyExperimenter's SQLite workers collide depends on timing: several tries show how often.
const TRIES = 3;
const SERVER_NAME = `pyexperimenter_mysql_vs_labbook_postgres_noop_${PROCESSES}_processes`;
const SQLITE_NAME = `pyexperimenter_sqlite_vs_labbook_sqlite_noop_${SQLITE_RUNS}_runs_${JOBS}_jobs`;

interface PeerOutcome {
  seconds: number;
  done: number;
  not_done: number;
  executed_twice: number;
  error: string | null;
}

/** PyExperimenter's outcome on a grid, or why there is none. */
function pyExperimenter(mode: 'mysql' | 'sqlite', runs: number, workers: number): PeerOutcome | string {
  if (!existsSync(PYTHON)) return 'no .venv-bench (make bench makes it)';
  const dir = scratchDir();
  try {
    const peer = spawnSync(PYTHON, [PEER, mode, dir, String(runs), String(workers)], { encoding: 'utf8' });
    if (peer.status === 3) return 'py-experimenter not installed in .venv-bench';
    if (peer.status !== 0) throw new Error(`pyexperimenter-peer.py ${mode} exited ${peer.status}: ${peer.stderr}`);
    return JSON.parse(peer.stdout) as PeerOutcome;
  } finally {
    removeScratch(dir);
  }
}

async function serverFigure(): Promise<void> {
  const url = process.env.LABBOOK_TEST_POSTGRES;
  if (!url) {
    skip(SERVER_NAME, 'no PostgreSQL: export LABBOOK_TEST_POSTGRES="$(sudo scripts/pg-up.sh)"');
    return;
  }
  if (!process.env.MARIADB_HOST) {
    skip(SERVER_NAME, 'no MariaDB: set -a; eval "$(sudo scripts/mariadb-up.sh)"; set +a');
    return;
  }
  const peer = pyExperimenter('mysql', SERVER_RUNS, PROCESSES);
  if (typeof peer === 'string') {
    skip(SERVER_NAME, peer);
    return;
  }
  const labbook = await withSchema(url, (schema) => labbookWorkers(url, schema, SERVER_RUNS, PROCESSES, 16));
  const rate = SERVER_RUNS / labbook.seconds;
  const peerRate = peer.done / peer.seconds;
  report({
    name: SERVER_NAME,
    value: rate,
    unit: 'runs/s',
    baseline: peerRate,
    baselineLabel: `PyExperimenter 1.4, MySQL provider on MariaDB, ${PROCESSES} processes each calling execute()`,
    ratio: rate / peerRate,
    target: 'ratio >= 20',
    runs: SERVER_RUNS,
    runs_claimed_twice: labbook.doubles,
    runs_never_completed: labbook.missing,
    pyexperimenter_not_done: peer.not_done,
    pyexperimenter_executed_twice: peer.executed_twice,
    pyexperimenter_error: peer.error,
  });
}

/**
 * `labbook run -j 2` of the grid on a fresh SQLite store: runs COMPLETED, runs executed more
 * than once (each run appends its parameter to a file, as the peer's function does), seconds.
 */
function labbookSqlite(): { completed: number; executedTwice: number; seconds: number } {
  const dir = scratchDir();
  try {
    const executed = join(dir, 'executed.txt');
    const command = JSON.stringify(['sh', '-c', `echo {i} >> ${executed}`]);
    writeFileSync(join(dir, 'sweep.yaml'), `name: noop\nparameters:\n  i: range(${SQLITE_RUNS})\ncommand: ${command}\n`);
    execFileSync(LABBOOK, ['init'], { cwd: dir });
    const start = process.hrtime.bigint();
    const out = execFileSync(LABBOOK, ['--json', 'run', 'sweep.yaml', '-j', String(JOBS)], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const lines = readFileSync(executed, 'utf8').split('\n').filter(Boolean);
    const executedTwice = new Set(lines.filter((line, i) => lines.indexOf(line) !== i)).size;
    return { completed: (JSON.parse(out.toString()) as { completed: number }).completed, executedTwice, seconds };
  } finally {
    removeScratch(dir);
  }
}

function sqliteFigure(): void {
  const peers: PeerOutcome[] = [];
  for (let i = 0; i < TRIES; i++) {
    const peer = pyExperimenter('sqlite', SQLITE_RUNS, JOBS);
    if (typeof peer === 'string') {
      skip(SQLITE_NAME, peer);
      return;
    }
    peers.push(peer);
  }
  const labbook = Array.from({ length: TRIES }, labbookSqlite);
  const completed = Math.min(...labbook.map((l) => l.completed));
  const peerDone = Math.min(...peers.map((p) => p.done));
  report({
    name: SQLITE_NAME,
    value: completed,
    unit: `runs completed (fewest of ${TRIES} tries)`,
    baseline: peerDone,
    baselineLabel: `PyExperimenter 1.4, SQLite provider, n_jobs: ${JOBS}`,
    ratio: completed / peerDone,
    target: `${SQLITE_RUNS} runs completed in every try, none executed twice`,
    seconds: Math.min(...labbook.map((l) => l.seconds)),
    executed_twice: Math.max(...labbook.map((l) => l.executedTwice)),
    pyexperimenter_done: peers.map((p) => p.done),
    pyexperimenter_tries_database_locked: peers.filter((p) => p.error?.includes('database is locked')).length,
    pyexperimenter_executed_twice: peers.map((p) => p.executed_twice),
    pyexperimenter_errors: peers.map((p) => p.error),
  });
}

function skip(name: string, why: string): void {
  process.stdout.write(`${JSON.stringify({ name, skipped: why })}\n`);
}

await serverFigure();
sqliteFigure();
