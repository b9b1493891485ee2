import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../helpers/paths.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('every error code in the code is documented in docs/errors.md, and only those', () => {
  const inCode = new Set(
    sourceFiles(repoPath('src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/readonly code = '(LB_[A-Z_]+)'/g)].map((m) => m[1] as string),
    ),
  );
  const inDocs = new Set(
    [...readFileSync(repoPath('docs', 'errors.md'), 'utf8').matchAll(/^\| `(LB_[A-Z_]+)` \|/gm)].map((m) => m[1] as string),
  );
  assert.ok(inCode.size >= 10);
  assert.deepEqual([...inCode].sort(), [...inDocs].sort());
});
