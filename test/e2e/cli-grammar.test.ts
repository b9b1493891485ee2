import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { newEntity } from '../../src/lineage/entity-id.js';
import { systemClock } from '../../src/queue/clock.js';
import { openStore } from '../../src/store/open-store.js';
import { type CliResult, cli, jsonLines } from '../helpers/cli.js';
import { killEngines } from '../helpers/engine.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

const SPEC = `name: cv
parameters:
  dataset: [digits, wine]
  model: [svc, rf]
  seed: [1, 2]
command: echo {dataset} {model} {seed}
retries: 0
`;

/** 8 runs of cv, run for real (so they have logs); each logged acc = id / 10. Then 2 more queued in `later`. */
async function project(t: TestContext): Promise<string> {
  const dir = tempDir(t);
  assert.equal((await cli(dir, ['init'])).code, 0);
  writeSpec(dir, SPEC);
  const ran = await cli(dir, ['run', 'sweep.yaml']);
  assert.equal(ran.code, 0, ran.stderr);
  const store = await openStore({ cwd: dir });
  for (const run of await store.listRuns({})) {
    await store.appendMetrics(run.id, run.attempt, [{ key: 'acc', step: 0, value: run.id / 10, at: 0 }]);
  }
  await store.close();
  writeSpec(dir, 'name: later\nparameters: {x: [1, 2]}\ncommand: echo {x}\n', 'later.yaml');
  assert.equal((await cli(dir, ['add', 'later.yaml'])).code, 0);
  return dir;
}

function commandsOf(program: Command): Map<string, Command> {
  return new Map(program.commands.map((command) => [command.name(), command]));
}

async function allCommands(): Promise<Map<string, Command>> {
  return commandsOf(await buildProgram({ cwd: '/', env: {}, stdout: process.stdout, stderr: process.stderr, clock: systemClock }));
}

const SELECTING = ['ls', 'status', 'table', 'export', 'reset', 'cancel', 'plot'];

test('every command that selects runs takes the same selection: runs or a query, -e and -s', async () => {
  const commands = await allCommands();
  for (const name of SELECTING) {
    const command = commands.get(name);
    assert.ok(command, name);
    assert.deepEqual(
      command.registeredArguments.map((a) => a.name()),
      ['runs-or-query'],
      `${name} takes its runs as run references or a query`,
    );
    const flags = command.options.map((o) => o.flags);
    for (const flag of ['-e, --experiment <names>', '-s, --state <states>']) assert.ok(flags.includes(flag), `${name}: ${flag}`);
    assert.ok(!flags.some((f) => f.includes('--where')), `${name} has no --where: a query is positional`);
  }
});

test('one short flag means one thing across the CLI', async () => {
  const meanings = new Map<string, Set<string>>();
  for (const command of (await allCommands()).values()) {
    for (const option of command.options) {
      if (!option.short) continue;
      const seen = meanings.get(option.short) ?? new Set<string>();
      seen.add(option.long ?? '');
      meanings.set(option.short, seen);
    }
  }
  for (const [short, longs] of meanings) assert.equal(longs.size, 1, `${short} means ${[...longs].join(' and ')}`);
  assert.deepEqual([...(meanings.get('-f') ?? [])], ['--follow']);
});

/** The ids a read-only selecting command reports for a selection. */
const SELECTED: Record<string, (dir: string, selection: string[]) => Promise<number[] | number>> = {
  ls: async (dir, s) => (jsonLines(ok(await cli(dir, ['ls', ...s, '--json'])).stdout) as { id: number }[]).map((r) => r.id),
  export: async (dir, s) => (jsonLines(ok(await cli(dir, ['export', ...s, '--json'])).stdout) as { id: number }[]).map((r) => r.id),
  status: async (dir, s) =>
    (JSON.parse(ok(await cli(dir, ['status', ...s, '--json'])).stdout) as { total: number }[]).reduce((n, r) => n + r.total, 0),
  table: async (dir, s) =>
    (JSON.parse(ok(await cli(dir, ['table', ...s, '-a', 'count()', '--json'])).stdout) as { 'count()': number }[])[0]?.['count()'] ?? 0,
  plot: async (dir, s) => JSON.parse(ok(await cli(dir, ['plot', ...s, '-k', 'acc', '-o', 'acc.svg', '--json'])).stdout).runs,
};

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, result.stderr);
  return result;
}

test('ls, status, table, export and plot select the same runs for the same words', async (t) => {
  const dir = await project(t);
  const store = await openStore({ cwd: dir });
  const hash3 = (await store.getRun(3))?.hash.slice(0, 8) as string;
  await store.close();
  const cases: Array<[string[], number[]]> = [
    [
      ['2', '5'],
      [2, 5],
    ],
    [[hash3], [3]],
    [
      [hash3, '1'],
      [1, 3],
    ],
    [
      ['acc', '>', '0.55'],
      [6, 7, 8],
    ],
    [
      ['-e', 'cv', 'model == "svc" & seed == 1'],
      [1, 5],
    ],
    [
      ['-s', 'completed', '-e', 'cv', 'dataset == "wine"'],
      [5, 6, 7, 8],
    ],
  ];
  for (const [words, ids] of cases) {
    for (const [name, selected] of Object.entries(SELECTED)) {
      const got = await selected(dir, words);
      if (Array.isArray(got)) assert.deepEqual(got, ids, `${name} ${words.join(' ')}`);
      else assert.equal(got, ids.length, `${name} ${words.join(' ')}`);
    }
  }
  const unknown = await cli(dir, ['ls', '999']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no run '999'/);
});

test('reset and cancel take run ids, hash prefixes and queries alike', async (t) => {
  const dir = await project(t);
  const store = await openStore({ cwd: dir });
  const hash9 = (await store.getRun(9))?.hash.slice(0, 7) as string;
  await store.close();
  assert.match(ok(await cli(dir, ['cancel', hash9])).stdout, /Cancelled 1 run\./);
  assert.match(ok(await cli(dir, ['reset', 'acc >= 0.7'])).stdout, /Reset 2 runs to PENDING\./);
  assert.match(ok(await cli(dir, ['reset', '-s', 'cancelled', hash9, '3'])).stdout, /Reset 1 run to PENDING\./);
  const states = jsonLines(ok(await cli(dir, ['ls', '--json'])).stdout) as { id: number; state: string }[];
  assert.deepEqual(
    states.filter((r) => r.state === 'PENDING').map((r) => r.id),
    [7, 8, 9, 10],
  );
  const nothing = await cli(dir, ['reset', '-e', 'cv']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /say which runs to reset/);
});

/**
 * Each command with --json: a document (JSON) or a stream of them (NDJSON) on stdout, or a
 * usage error saying why --json does not apply. A new command must be added here.
 */
const JSON_INVOCATIONS: Record<string, string[]> = {
  init: ['init'],
  add: ['add', 'later.yaml', 'x=3'],
  run: ['run', 'later.yaml'],
  worker: ['worker', '-e', 'later'],
  submit: ['submit', 'later.yaml', '--workers', '2', '--dry-run'],
  sub: ['sub', 'later.yaml', 'x=1,2', '--dry-run'],
  jobs: ['jobs'],
  status: ['status'],
  ls: ['ls'],
  show: ['show', '1'],
  logs: ['logs', '1'],
  reset: ['reset', '1'],
  rerun: ['rerun', '1'],
  cancel: ['cancel', '9'],
  artifacts: ['artifacts', '1'],
  get: ['get', '1', 'model.pkl'],
  metrics: ['metrics', '1'],
  diff: ['diff', '1', '2'],
  plot: ['plot', '1', '2', '-k', 'acc', '-o', 'acc.png'],
  table: ['table', '-g', 'model'],
  tune: ['tune', 'later.yaml', '--trials', '0'],
  study: ['study', 'tuned', '--plot', 'radar', '-o', 'radar.png'],
  export: ['export'],
  doctor: ['doctor'],
  engine: ['engine', 'status'],
  serve: ['serve', '--stop'],
  ui: ['ui', '--no-open', '--port', '0'],
  'read-config': ['read-config', 'later.yaml'],
  entities: ['entities', 'kind=dataset'],
  lineage: ['lineage', 'dataset:digits'],
  annotate: ['annotate', 'dataset:digits', 'owner=ada'],
  leaderboard: ['leaderboard', '--metric', 'accuracy'],
  regress: ['regress', '--baseline', 'tag=released', '--candidate', 'tag=new', '--metric', 'accuracy'],
  'copy-store': ['copy-store', '.', 'copy'],
};

test('every command honours --json, or refuses it with a usage error', async (t) => {
  const dir = await project(t);
  t.after(() => killEngines(dir)); // the one `ui` started
  const store = await openStore({ cwd: dir, env: {} });
  await store.recordEntities([newEntity({ kind: 'dataset', name: 'digits', contentHash: 'd1' })], 0);
  await store.close();
  const names = [...(await allCommands()).keys()];
  assert.deepEqual(
    names.filter((name) => !(name in JSON_INVOCATIONS)),
    [],
    'add the new commands to JSON_INVOCATIONS',
  );
  for (const name of names) {
    const args = JSON_INVOCATIONS[name] as string[];
    const result = await cli(dir, [...args, '--json']);
    if (result.code === 2) {
      assert.equal(JSON.parse(result.stderr.trim()).code, 'LB_USAGE', `${name}: ${result.stderr}`);
      continue;
    }
    assert.ok(result.stdout.trim().length > 0, `${name} printed nothing (exit ${result.code}: ${result.stderr})`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      parsed = jsonLines(result.stdout);
    }
    assert.ok(parsed !== undefined, name);
  }
  const logs = jsonLines((await cli(dir, ['logs', '2', '--json'])).stdout);
  assert.deepEqual(logs, [{ run: 2, stream: 'stdout', line: 'digits svc 2' }]);
  const get = await cli(dir, ['get', '1', 'model.pkl', '--json']);
  assert.match(JSON.parse(get.stderr).message, /give a file with -o/);
});

test('--json with a text format is a usage error, not one of the two silently', async (t) => {
  const dir = await project(t);
  for (const args of [
    ['table', '--format', 'latex', '--json'],
    ['export', '--format', 'csv', '--json'],
  ]) {
    const result = await cli(dir, args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(JSON.parse(result.stderr).message, /--json/);
  }
  const csvToFile = await cli(dir, ['export', '-o', 'runs.csv', '--json']);
  assert.equal(JSON.parse(ok(csvToFile).stdout).runs, 10);
});

test('a number option that is not a whole number in range is a usage error, not an internal one', async (t) => {
  const dir = await project(t);
  for (const args of [
    ['ls', '-n', 'x'],
    ['ls', '-n', '0'],
    ['ls', '-n', '2.5'],
    ['table', '--digits', 'x'],
    ['table', '--digits', '13'],
    ['worker', '-j', '0'],
  ]) {
    const result = await cli(dir, args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^labbook: --\w+ '[^']*' is not a whole number|^labbook: --digits must be/, args.join(' '));
  }
  assert.equal(jsonLines(ok(await cli(dir, ['ls', '-n', '3', '--json'])).stdout).length, 3);
});
