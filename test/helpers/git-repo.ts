import { execFileSync } from 'node:child_process';

/** Runs git in `dir` with an identity of its own, whatever the machine's configuration. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=labbook test', '-c', 'user.email=test@labbook.invalid', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

/** Makes `dir` a git repository with everything in it committed. */
export function commitAll(dir: string, message: string): void {
  if (!git(dir, 'rev-parse', '--is-inside-work-tree').startsWith('true')) throw new Error(`${dir} is not a repository`);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--message', message);
}

export function initRepository(dir: string): void {
  git(dir, 'init', '--quiet', '--initial-branch', 'main');
}
