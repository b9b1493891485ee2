import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT_ENVIRONMENT, EXIT_FAILED_RUNS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from '../../src/errors.js';
import { repoPath } from '../helpers/paths.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const CONSTANTS: Record<string, number> = { EXIT_ENVIRONMENT, EXIT_FAILED_RUNS, EXIT_USAGE };

interface ErrorClass {
  base: string;
  code?: string;
  exit?: number;
}

/** Every error class in src/, with its code and the exit status it sets itself (if any), read from the source. */
function errorClasses(): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>();
  for (const file of sourceFiles(repoPath('src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/class (\w+) extends (\w+) \{([\s\S]*?)\n\}/g)) {
      const [, name, base, body] = match as unknown as [string, string, string, string];
      const code = /readonly code = '(LB_[A-Z_]+)'/.exec(body)?.[1];
      const exit = /readonly exitCode = (\w+);/.exec(body)?.[1];
      classes.set(name, {
        base,
        ...(code && { code }),
        ...(exit !== undefined && { exit: CONSTANTS[exit] ?? Number(exit) }),
      });
    }
  }
  return classes;
}

function exitOf(classes: Map<string, ErrorClass>, name: string): number {
  if (name === 'LabbookError') return EXIT_USAGE;
  const found = classes.get(name);
  assert.ok(found, `unknown error class ${name}`);
  return found.exit ?? exitOf(classes, found.base);
}

test('the exit statuses are the published ones', () => {
  assert.deepEqual([EXIT_OK, EXIT_FAILED_RUNS, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERRUPTED], [0, 1, 2, 3, 130]);
  const docs = readFileSync(repoPath('docs', 'errors.md'), 'utf8');
  const published = [...docs.matchAll(/^\| (\d+) \| /gm)].map((m) => Number(m[1]));
  assert.deepEqual(published, [0, 1, 2, 3, 130]);
});

test("every error code exits with the status docs/errors.md gives it, one of the table's", () => {
  const classes = errorClasses();
  const docs = readFileSync(repoPath('docs', 'errors.md'), 'utf8');
  const documented = new Map([...docs.matchAll(/^\| `(LB_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1] as string, Number(m[2])]));
  let checked = 0;
  for (const [name, { code }] of classes) {
    if (!code || !documented.has(code)) continue;
    const exit = exitOf(classes, name);
    assert.ok([EXIT_FAILED_RUNS, EXIT_USAGE, EXIT_ENVIRONMENT].includes(exit), `${code} exits ${exit}`);
    assert.equal(exit, documented.get(code), `${code} (${name}) exits ${exit}; docs/errors.md says ${documented.get(code)}`);
    checked++;
  }
  assert.ok(checked >= 20, `only ${checked} codes checked`);
  for (const code of ['LB_STORE_NOT_FOUND', 'LB_STORE_SCHEMA_NEWER', 'LB_STORE_BUSY']) assert.equal(documented.get(code), EXIT_ENVIRONMENT);
  for (const code of ['LB_RUN_NOT_FOUND', 'LB_USAGE', 'LB_SPEC_INVALID', 'LB_QUERY_SYNTAX']) assert.equal(documented.get(code), EXIT_USAGE);
});
