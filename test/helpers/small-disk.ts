import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labbookBin } from './paths.js';
import { withoutLabbookVariables } from './project.js';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const NAMESPACE = ['--user', '--map-root-user', '--mount'];

/**
 * Why this machine cannot give a test a disk of its own (unprivileged user namespaces are
 * off, or there is no unshare), or undefined when it can: tests of a full or read-only
 * disk skip with this reason.
 */
export const smallDiskUnavailable: string | undefined = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'labbook-probe-'));
  try {
    const result = spawnSync('unshare', [...NAMESPACE, 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$1"', 'sh', probe], {
      encoding: 'utf8',
    });
    if (result.status === 0) return undefined;
    const why = result.error?.message ?? result.stderr.trim();
    return `no private tmpfs here (unshare ${NAMESPACE.join(' ')}: ${why})`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/**
 * Runs `script` (sh) on a real small disk without root: in a user and mount namespace of its
 * own, a tmpfs of `size` (e.g. `2m`) is mounted on `<dir>/disk`, the script's working
 * directory, and `$LABBOOK` is bin/labbook. Only the script sees the tmpfs, and it is gone
 * when the script ends: the script copies out (to `$OUT`, `<dir>/out`) what the test reads.
 */
export function onSmallDisk(dir: string, size: string, script: string): Promise<ScriptResult> {
  const disk = join(dir, 'disk');
  const out = join(dir, 'out');
  mkdirSync(disk, { recursive: true });
  mkdirSync(out, { recursive: true });
  const wrapped = `set -u\nmount -t tmpfs -o size=${size} tmpfs "$DISK" && cd "$DISK" || exit 99\n${script}`;
  const child = spawn('unshare', [...NAMESPACE, 'sh', '-c', wrapped], {
    env: { ...withoutLabbookVariables(process.env), DISK: disk, OUT: out, LABBOOK: labbookBin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
