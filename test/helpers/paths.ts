import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from test/ (tsx) or dist/test/. */
export const repoRoot: string = (() => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'labbook') return dir;
  }
  throw new Error('labbook repository root not found');
})();

export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);

/** The CLI entry point (runs the compiled code in dist/). */
export const labbookBin = repoPath('bin', 'labbook');
