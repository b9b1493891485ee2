import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../helpers/paths.js';

function sourceFiles(dir: string, extension: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path, extension) : path.endsWith(extension) ? [path] : [];
  });
}

/** The codes written as string literals (quoted with `quote`) in the source files under `dir`. */
function codesIn(dir: string, extension: string, quote: string): Set<string> {
  const literal = new RegExp(`${quote}(LB_[A-Z_]+)${quote}`, 'g');
  return new Set(
    sourceFiles(dir, extension).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(literal)].map((m) => m[1] as string)),
  );
}

/** The codes of the tables of docs/errors.md, or of its section `title` only. */
function documentedCodes(title?: string): Set<string> {
  const text = readFileSync(repoPath('docs', 'errors.md'), 'utf8');
  const section = title === undefined ? text : (text.split(/^## /m).find((part) => part.startsWith(`${title}\n`)) ?? '');
  return new Set([...section.matchAll(/^\| `(LB_[A-Z_]+)` \|/gm)].map((m) => m[1] as string));
}

const engineCodes = codesIn(repoPath('src'), '.ts', "'");
const pythonCodes = codesIn(repoPath('clients', 'python', 'src'), '.py', '"');

test('every error code of the engine and of the Python client is documented in docs/errors.md, and only those', () => {
  assert.ok(engineCodes.size >= 10 && pythonCodes.size >= 10);
  assert.deepEqual([...documentedCodes()].sort(), [...new Set([...engineCodes, ...pythonCodes])].sort());
});

test("the codes only the Python client raises are in docs/errors.md's section on it", () => {
  const ownCodes = [...pythonCodes].filter((code) => !engineCodes.has(code));
  assert.ok(ownCodes.includes('LB_CLI_NOT_FOUND'));
  assert.deepEqual(
    ownCodes.filter((code) => !documentedCodes('The Python client').has(code)),
    [],
  );
});
