import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { LabbookError, StoreNotFoundError } from '../../errors.js';
import { PACKAGE_ROOT_PATH } from '../../package-files.js';
import { spawnerPath } from '../../runner/spawner.js';
import { openStore } from '../../store/open-store.js';
import { VERSION } from '../../version.js';

/** What `labbook doctor` found about one thing a run needs: fine, worth knowing, or a problem with its fix. */
export interface Check {
  name: string;
  status: 'ok' | 'note' | 'problem';
  detail: string;
  /** What to do, for a note or a problem. */
  fix?: string;
}

export interface DoctorOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  store?: string;
}

export async function runChecks(options: DoctorOptions): Promise<Check[]> {
  return [
    nodeCheck(),
    launcherCheck(spawnerPath(options.env)),
    await storeCheck(options),
    pythonClientCheck(options.env),
    gitCheck(options.env),
  ];
}

function nodeCheck(): Check {
  // bin/labbook refused an older Node before any command ran: this one is new enough.
  return { name: 'Node.js', status: 'ok', detail: `${process.versions.node} at ${process.execPath}` };
}

function launcherCheck(launcher: string): Check {
  const fix = `run make build in ${PACKAGE_ROOT_PATH} (it needs a C compiler)`;
  const started = spawnSync(launcher, [], { encoding: 'utf8' });
  if (started.error) {
    const missing = (started.error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      name: 'launcher',
      status: 'problem',
      detail: `${launcher} ${missing ? 'is missing' : `cannot run: ${started.error.message}`}`,
      fix,
    };
  }
  // Without arguments it prints its usage and exits 2: it is built for this machine.
  if (started.status !== 2)
    return { name: 'launcher', status: 'problem', detail: `${launcher} does not work (exit ${started.status})`, fix };
  return { name: 'launcher', status: 'ok', detail: launcher };
}

async function storeCheck(options: DoctorOptions): Promise<Check> {
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore({ cwd: options.cwd, env: options.env, ...(options.store !== undefined && { store: options.store }) });
  } catch (error) {
    if (error instanceof StoreNotFoundError) {
      return { name: 'store', status: 'note', detail: 'no store here or above', fix: 'labbook init creates one in this directory' };
    }
    if (error instanceof LabbookError) return { name: 'store', status: 'problem', detail: error.message };
    throw error;
  }
  try {
    const runs = (await store.countRuns({})).reduce((sum, row) => sum + row.count, 0);
    const unwritable = [store.dataDir, store.location].find((path) => !writable(path));
    if (unwritable) {
      return {
        name: 'store',
        status: 'problem',
        detail: `${store.dataDir}: ${runs} runs, readable, but ${unwritable} is not writable`,
        fix: `give this user write access to ${store.dataDir} (runs and workers write there)`,
      };
    }
    return { name: 'store', status: 'ok', detail: `${store.dataDir}: ${runs} runs, readable and writable` };
  } finally {
    await store.close();
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const PYTHON_PROBE =
  'import sys\ntry:\n    import labbook\nexcept ImportError:\n    print("-", sys.executable)\nelse:\n    print(labbook.__version__, sys.executable)';

function pythonClientCheck(env: NodeJS.ProcessEnv): Check {
  const install = `pip install ${join(PACKAGE_ROOT_PATH, 'clients', 'python')}`;
  const probe = spawnSync('python3', ['-c', PYTHON_PROBE], { encoding: 'utf8', env });
  if (probe.error || probe.status !== 0) {
    return { name: 'Python client', status: 'note', detail: 'python3 is not on PATH', fix: 'Python runs need Python 3 with the client' };
  }
  const [version = '-', ...rest] = probe.stdout.trim().split(' ');
  const python = rest.join(' ');
  if (version === '-') {
    return {
      name: 'Python client',
      status: 'note',
      detail: `not installed for ${python}`,
      fix: `${install} (Python runs that use labbook's client need it)`,
    };
  }
  if (version !== VERSION) {
    return {
      name: 'Python client',
      status: 'problem',
      detail: `labbook ${version} in ${python}, but this CLI is ${VERSION}`,
      fix: `${install} to install the client of this CLI`,
    };
  }
  return { name: 'Python client', status: 'ok', detail: `labbook ${version} in ${python}` };
}

function gitCheck(env: NodeJS.ProcessEnv): Check {
  const git = spawnSync('git', ['--version'], { encoding: 'utf8', env });
  if (git.error || git.status !== 0) {
    return { name: 'git', status: 'note', detail: 'not found', fix: 'install git: runs record the commit of the code they ran' };
  }
  return { name: 'git', status: 'ok', detail: git.stdout.trim() };
}
