import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before as beforeAll, describe, test } from 'node:test';
import { MAX_QUERY_CONDITIONS, MAX_QUERY_NESTING } from '../../src/query/parser.js';
import { openStore } from '../../src/store/open-store.js';
import { type CliResult, cli, cliProcess, jsonLines } from '../helpers/cli.js';
import { corpusPath, loadCorpus, type MalformedCase, queryOf } from '../helpers/malformed-corpus.js';
import { labbookBin } from '../helpers/paths.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * No input may ever end in an internal error. Every case of the corpus in
 * test/fixtures/malformed/ (malformed specs, overrides and queries) must fail with exit status
 * 2, its error code, a message that names the place and the fix, and leave the store exactly
 * as it was.
 */
const GOOD = readFileSync(corpusPath('good.yaml'), 'utf8');

async function storeSnapshot(dir: string): Promise<string> {
  const store = await openStore({ cwd: dir });
  try {
    return JSON.stringify([await store.listExperiments(), await store.listRuns({}), await store.countRuns({})]);
  } finally {
    await store.close();
  }
}

/** Initialises a store in `dir` and adds good.yaml's runs; returns the store's snapshot. */
async function addGoodSpec(dir: string): Promise<string> {
  assert.equal((await cli(dir, ['init'])).code, 0);
  assert.equal((await cli(dir, ['add', writeSpec(dir, GOOD, 'good.yaml')])).code, 0);
  return storeSnapshot(dir);
}

async function projectWithOneExperiment(t: import('node:test').TestContext): Promise<{ dir: string; before: string }> {
  const dir = tempDir(t);
  return { dir, before: await addGoodSpec(dir) };
}

type Kind = 'specs' | 'overrides' | 'queries';

/** The arguments that give a case's input to labbook: a spec file (with overrides), overrides of good.yaml, a query. */
function argsOf(kind: Kind, c: MalformedCase, dir: string): string[] {
  if (kind === 'queries') {
    const query = queryOf(c);
    return [c.command ?? 'ls', query];
  }
  if (kind === 'overrides') return ['add', 'good.yaml', ...(c.overrides ?? [])];
  // The file is named as a user in the project's directory would name it.
  if (c.file !== undefined) copyFileSync(corpusPath('files', c.file), join(dir, c.file));
  else writeSpec(dir, c.spec ?? '');
  return ['add', c.file ?? 'sweep.yaml', ...(c.overrides ?? [])];
}

async function run(kind: Kind, c: MalformedCase, dir: string): Promise<CliResult> {
  const args = ['--json', ...argsOf(kind, c, dir)];
  return c.binary ? cliProcess(dir, args) : cli(dir, args);
}

/** The error labbook printed with --json: {code, message}, the one line on stderr (no warning, no trace). */
function reportedError(result: CliResult): { code: string; message: string } {
  try {
    return JSON.parse(result.stderr);
  } catch {
    return assert.fail(`not one labbook error: ${result.stderr}`);
  }
}

for (const kind of ['specs', 'overrides', 'queries'] as const satisfies Kind[]) {
  describe(`malformed ${kind}`, () => {
    let dir: string;
    let untouched: string;
    // One project per catalogue: each case must leave its store as the first found it.
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'labbook-malformed-'));
      untouched = await addGoodSpec(dir);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const c of loadCorpus(kind)) {
      test(`${c.title}: ${c.code}${c.binary ? ' (bin/labbook)' : ''}`, async () => {
        const result = await run(kind, c, dir);
        assert.equal(result.code, 2, result.stderr);
        const error = reportedError(result);
        assert.equal(error.code, c.code);
        assert.ok(error.message.includes(c.message), `expected the message to contain\n  ${c.message}\ngot\n  ${error.message}`);
        assert.equal(await storeSnapshot(dir), untouched);
      });
    }
  });
}

test('the corpus holds at least 100 malformed specs, overrides and queries', () => {
  const sizes = (['specs', 'overrides', 'queries'] as const).map((kind) => loadCorpus(kind).length);
  assert.ok(sizes.reduce((a, b) => a + b) >= 100, `${sizes.join(' + ')} cases`);
});

test('the deepest and longest query the limits allow runs against SQLite', async (t) => {
  const { dir } = await projectWithOneExperiment(t);
  // Each negation and parenthesis counts towards the nesting; != compiles to one more NOT.
  const chain = Array.from({ length: MAX_QUERY_CONDITIONS }, (_, i) => `lr != ${i}`).join(' & ');
  const pairs = MAX_QUERY_NESTING / 2;
  const result = await cli(dir, ['--json', 'ls', `${'not ('.repeat(pairs)}${chain}${')'.repeat(pairs)}`]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(jsonLines(result.stdout).length, 8);
});

test('an override in bytes that are not UTF-8 is refused, not stored with \\ufffd in their place', async (t) => {
  const { dir, before } = await projectWithOneExperiment(t);
  // Through a shell: a Node.js parent can only pass UTF-8 arguments.
  const script = `"$0" --json add good.yaml "lr=$(printf '\\377\\376')"`;
  const result = spawnSync('/bin/sh', ['-c', script, labbookBin], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 2, result.stderr);
  assert.equal(JSON.parse(result.stderr).code, 'LB_OVERRIDE_INVALID');
  assert.match(JSON.parse(result.stderr).message, /character 4 stands for bytes that are not UTF-8 text/);
  assert.equal(await storeSnapshot(dir), before);
});

test('the file is checked as written even when overrides are given', async (t) => {
  const { dir, before } = await projectWithOneExperiment(t);
  const file = writeSpec(dir, 'name: x\nparameters:\n  lr: []\n');
  const result = await cli(dir, ['add', file, '++lr=0.1']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /sweep\.yaml:3:3: parameters\.lr: has no values/);
  assert.equal(await storeSnapshot(dir), before);
});

test('an override may make an exclude moot without an error', async (t) => {
  const dir = tempDir(t);
  await cli(dir, ['init']);
  const file = writeSpec(dir, 'name: x\nparameters:\n  dataset: [digits, wine]\n  model: [svc]\nexclude:\n  - {dataset: digits}\n');
  const result = await cli(dir, ['add', file, 'dataset=wine,iris']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /x: 2 runs planned: 2 added/);
});

test('a missing spec file names the file', async (t) => {
  const { dir, before } = await projectWithOneExperiment(t);
  const result = await cli(dir, ['add', 'missing.yaml']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /missing\.yaml: no such spec file/);
  assert.equal(await storeSnapshot(dir), before);
});

test('a spec file that cannot be read says why, never ending in an internal error', async (t) => {
  const { dir, before } = await projectWithOneExperiment(t);
  symlinkSync('loop-b.yaml', join(dir, 'loop-a.yaml'));
  symlinkSync('loop-a.yaml', join(dir, 'loop-b.yaml'));
  for (const [file, code, message] of [
    ['good.yaml/sweep.yaml', 'LB_SPEC_NOT_FOUND', 'good.yaml/sweep.yaml: no such spec file'],
    ['loop-a.yaml', 'LB_SPEC_UNREADABLE', 'loop-a.yaml: cannot read the spec file (too many symbolic links encountered); check the path'],
    [`${'x'.repeat(300)}.yaml`, 'LB_SPEC_UNREADABLE', 'cannot read the spec file (name too long)'],
  ]) {
    const result = await cli(dir, ['--json', 'add', file as string]);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(JSON.parse(result.stderr).code, code);
    assert.ok(JSON.parse(result.stderr).message.includes(message), result.stderr);
  }
  assert.equal(await storeSnapshot(dir), before);
});

test("a Python driver's generated spec is reported by key, without positions in a file the user never wrote", async (t) => {
  const { dir, before } = await projectWithOneExperiment(t);
  const spec = { name: 'a.f', driver: 'python', parameters: { x: [1, 2] }, exclude: [{ y: 1 }] };
  const file = writeSpec(dir, JSON.stringify(spec, null, 2), 'a.f.json');
  const result = await cli(dir, ['add', file]);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    "labbook: exclude[0].y: 'y' is not a parameter; did you mean 'x'? (exclude entries name parameters of the grid)\n",
  );
  assert.equal(await storeSnapshot(dir), before);
});

test('with --report, the error that stops labbook run or worker is also written to the report', async (t) => {
  const { dir, before } = await projectWithOneExperiment(t);
  const report = `${dir}/report.json`;
  const run = await cli(dir, ['run', writeSpec(dir, 'name: x\nparameters:\n  lr: []\ncommand: "true"\n'), '--report', report]);
  assert.equal(run.code, 2);
  const written = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(written.error.code, 'LB_SPEC_INVALID');
  assert.match(written.error.message, /sweep\.yaml:3:3: parameters\.lr: has no values/);
  assert.deepEqual(
    written.error.issues.map(({ line, column, key }: { line: number; column: number; key: string }) => ({ line, column, key })),
    [{ line: 3, column: 3, key: 'parameters.lr' }],
  );
  const worker = await cli(dir, ['worker', '--lease', 'soon', '--report', report]);
  assert.equal(worker.code, 2);
  assert.equal(JSON.parse(readFileSync(report, 'utf8')).error.code, 'LB_USAGE');
  assert.equal(await storeSnapshot(dir), before);
});
