import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, resolve } from 'node:path';
import { INTERPRETER_DESCRIPTION_PATH } from '../package-files.js';
import type { JsonValue, Params } from '../spec/types.js';
import { nearestHolding } from '../util/nearest-holding.js';
import { VERSION } from '../version.js';
import { execText } from './exec-text.js';

/** `git diff HEAD` beyond this is cut (and `diffTruncated` set): a run record is not a patch archive. */
export const MAX_DIFF_BYTES = 1024 * 1024;
const PROBE_TIMEOUT_MS = 5_000;

/** A type alias (not an interface) so that it stays assignable to JsonValue. */
export type GitState = {
  commit: string | null;
  branch: string | null;
  /** Tracked files differ from HEAD (staged or not); null outside a repository. */
  dirty: boolean | null;
  diff: string | null;
  diffTruncated: boolean;
  remote: string | null;
};

export type MachineInfo = {
  host: string;
  user: string | null;
  platform: string;
  arch: string;
  osRelease: string;
  versions: { labbook: string; node: string };
  cpu: { model: string | null; count: number };
  memoryBytes: number;
  gpus: Array<{ name: string; memory: string | null }>;
};

export type PythonInfo = { executable: string; version: string | null; packages: string[] | null };

export type RunEnvironment = MachineInfo & {
  command: string[];
  cwd: string;
  git: GitState;
  python: PythonInfo | null;
  seed: JsonValue;
};

export interface CaptureOptions {
  cwd: string;
  argv: readonly string[];
  params: Params;
  /** The command's interpreter, when it described itself (a Python driver): not probed then. */
  python?: PythonInfo | undefined;
}

/**
 * What a run ran on. The engine captures this for every run, so only the git state and the
 * command are probed each time; the machine, the GPUs and each Python interpreter are
 * probed once per process (they do not change while a worker lives).
 */
export class EnvironmentCapture {
  private machine: Promise<MachineInfo> | undefined;
  private readonly pythons = new Map<string, Promise<PythonInfo>>();

  async capture(options: CaptureOptions): Promise<RunEnvironment> {
    const python = pythonExecutable(options.argv, options.cwd);
    const [git, machine, pythonInfo] = await Promise.all([
      gitState(options.cwd),
      this.machineInfo(),
      options.python ?? (python ? this.pythonInfo(python, options.cwd) : null),
    ]);
    const seed = options.params.seed;
    return {
      command: [...options.argv],
      cwd: options.cwd,
      git,
      ...machine,
      python: pythonInfo,
      seed: seed === undefined ? null : seed,
    };
  }

  private machineInfo(): Promise<MachineInfo> {
    if (!this.machine) this.machine = probeMachine();
    return this.machine;
  }

  private pythonInfo(executable: string, cwd: string): Promise<PythonInfo> {
    let info = this.pythons.get(executable);
    if (!info) {
      info = probePython(executable, cwd);
      this.pythons.set(executable, info);
    }
    return info;
  }
}

const shared = new EnvironmentCapture();

/** Captures the environment of one run; per-process facts are cached across calls. */
export function captureEnvironment(options: CaptureOptions): Promise<JsonValue> {
  return shared.capture(options);
}

const NO_GIT: GitState = { commit: null, branch: null, dirty: null, diff: null, diffTruncated: false, remote: null };

async function gitState(cwd: string): Promise<GitState> {
  // Outside a repository every probe fails: four processes spared (most of a short session's set-up).
  if (!process.env.GIT_DIR && nearestHolding(cwd, '.git') === undefined) return NO_GIT;
  // Optional locks off: a probe must not take index.lock from under the user's own git.
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  const git = (args: string[], maxBytes?: number) =>
    execText('git', args, { cwd, env, timeoutMs: PROBE_TIMEOUT_MS, ...(maxBytes !== undefined && { maxBytes }) });
  const [commit, branch, diff, remote] = await Promise.all([
    git(['rev-parse', '--verify', '-q', 'HEAD']),
    git(['symbolic-ref', '--short', '-q', 'HEAD']),
    git(['diff', 'HEAD', '--no-ext-diff', '--no-color'], MAX_DIFF_BYTES),
    git(['config', '--get', 'remote.origin.url']),
  ]);
  const diffText = diff?.stdout ?? null;
  return {
    commit: commit?.stdout.trim() || null,
    branch: branch?.stdout.trim() || null,
    dirty: diffText === null ? null : diffText.length > 0,
    diff: diffText,
    diffTruncated: diff?.truncated ?? false,
    remote: remote ? withoutCredentials(remote.stdout.trim()) : null,
  };
}

/** `https://user:token@host/repo` → `https://host/repo`: never store a secret. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

async function probeMachine(): Promise<MachineInfo> {
  const [cpuModel, gpus] = await Promise.all([cpuModelName(), probeGpus()]);
  return {
    host: os.hostname(),
    user: userName(),
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    versions: { labbook: VERSION, node: process.version },
    cpu: { model: cpuModel, count: os.availableParallelism() },
    memoryBytes: os.totalmem(),
    gpus,
  };
}

function userName(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? null;
  }
}

async function cpuModelName(): Promise<string | null> {
  const fromNode = os.cpus()[0]?.model.trim();
  if (fromNode && fromNode !== 'unknown') return fromNode;
  // Some ARM kernels leave `model name` out; /proc/cpuinfo then names the board instead.
  const info = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const line = info.split('\n').find((l) => /^(model name|Hardware|Processor|cpu model)\s*:/i.test(l));
  return line?.split(':')[1]?.trim() || null;
}

async function probeGpus(): Promise<MachineInfo['gpus']> {
  const out = await execText('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader'], { timeoutMs: PROBE_TIMEOUT_MS });
  if (!out) return [];
  return out.stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [name, memory] = line.split(',').map((s) => s.trim());
      return { name: name ?? '', memory: memory ?? null };
    });
}

/** The interpreter of a Python command (`python3 train.py`, `.venv/bin/python -m x`), else undefined. */
export function pythonExecutable(argv: readonly string[], cwd: string): string | undefined {
  const program = argv[0];
  if (!program || !/^python[0-9.]*$/.test(basename(program))) return undefined;
  return program.includes('/') ? resolve(cwd, program) : program;
}

/**
 * The probe run in a Python command's interpreter: the Python client's description of an
 * interpreter (clients/python/src/labbook/_interpreter.py, which a driver imports to describe
 * itself), run as a script. Packages come from the names of the `*.dist-info` / `*.egg-info`
 * directories on sys.path: a directory listing instead of parsing every package's metadata,
 * ~100x faster with many packages.
 */
let pythonProbe: string | undefined;

function pythonProbeScript(): string {
  pythonProbe ??= `${readFileSync(INTERPRETER_DESCRIPTION_PATH, 'utf8')}\nimport json\nprint(json.dumps(interpreter_info()))\n`;
  return pythonProbe;
}

async function probePython(executable: string, cwd: string): Promise<PythonInfo> {
  const out = await execText(executable, ['-c', pythonProbeScript()], { cwd, timeoutMs: 15_000 });
  if (!out) return { executable, version: null, packages: null };
  try {
    return JSON.parse(out.stdout) as PythonInfo;
  } catch {
    return { executable, version: null, packages: null };
  }
}
