import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { cli } from '../helpers/cli.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Every malformed spec or override must fail with exit status 2, a message that names the
 * place and the fix, and leave the store exactly as it was.
 */
const GOOD = `name: good
parameters:
  lr: [0.1, 0.01]
  dataset: [digits, wine]
  optimizer:
    name: [adam, sgd]
settings:
  n_fold: 5
command: python train.py --lr {lr}
`;

const BAD_SPECS: Array<[string, string, RegExp]> = [
  ['YAML syntax', 'name: x\nparameters: [1, 2\n', /sweep\.yaml:\d+:\d+: invalid YAML/],
  ['duplicate key', 'name: x\nname: y\nparameters: {a: [1]}\n', /sweep\.yaml:2:1: invalid YAML: Map keys must be unique/],
  ['not a mapping', '- name: x\n', /sweep\.yaml:1:1: a spec must be a mapping with at least a name and parameters/],
  ['missing name', 'parameters:\n  a: [1]\n', /sweep\.yaml:1:1: name: is missing: expected the experiment name/],
  ['bad name', 'name: my sweep!\nparameters: {a: [1]}\n', /sweep\.yaml:1:1: name: use letters, digits/],
  ['unknown key', 'name: x\nparamters:\n  a: [1]\n', /sweep\.yaml:2:1: paramters: unknown key 'paramters'; did you mean 'parameters'\?/],
  ['empty value list', 'name: x\nparameters:\n  lr: []\n', /sweep\.yaml:3:3: parameters\.lr: has no values; give at least one/],
  [
    'range with a missing number',
    'name: x\nparameters:\n  lr: range(1,)\n',
    /sweep\.yaml:3:3: parameters\.lr: 'range\(1,\)' needs 1 to 3 numbers/,
  ],
  [
    'empty range',
    'name: x\nparameters:\n  n: range(5, 1)\n',
    /parameters\.n: range\(5, 1\) is empty: with step 1 it must go from a start below its stop/,
  ],
  ['range step 0', 'name: x\nparameters:\n  n: range(0, 5, 0)\n', /parameters\.n: range\(0, 5, 0\) has a step of 0/],
  ['range of text', 'name: x\nparameters:\n  n: range(a, 3)\n', /parameters\.n: 'a' in range\(a, 3\) is not a number/],
  [
    'bad parameter name',
    'name: x\nparameters:\n  learning rate: [1]\n',
    /sweep\.yaml:3:3: parameters\.learning rate: 'learning rate' is not a valid parameter name/,
  ],
  [
    'settings not a mapping',
    'name: x\nparameters: {a: [1]}\nsettings: [1, 2]\n',
    /sweep\.yaml:3:1: settings: expected a mapping of setting names/,
  ],
  [
    'setting that is also a parameter',
    'name: x\nparameters: {a: [1]}\nsettings: {a: 2}\n',
    /settings\.a: 'a' is both a parameter and a setting/,
  ],
  [
    'exclude not a list',
    'name: x\nparameters: {a: [1]}\nexclude: {a: 1}\n',
    /sweep\.yaml:3:1: exclude: expected a list of partial assignments/,
  ],
  [
    'exclude of an unknown parameter',
    'name: x\nparameters:\n  dataset: [digits]\nexclude:\n  - {datset: digits}\n',
    /sweep\.yaml:5:6: exclude\[0\]\.datset: 'datset' is not a parameter; did you mean 'dataset'\?/,
  ],
  [
    'exclude of a value not in the grid',
    'name: x\nparameters:\n  dataset: [digits, wine]\nexclude:\n  - {dataset: digit}\n',
    /"digit" is not a value of 'dataset' \("digits", "wine"\), so this entry would exclude nothing/,
  ],
  ['empty exclude entry', 'name: x\nparameters: {a: [1]}\nexclude:\n  - {}\n', /exclude\[0\]: is empty and would exclude every run/],
  ['include of an unknown parameter', 'name: x\nparameters: {a: [1]}\ninclude:\n  - {b: 2}\n', /include\[0\]\.b: 'b' is not a parameter/],
  [
    'exclude naming a group with a scalar',
    'name: x\nparameters:\n  opt: {name: [adam]}\nexclude:\n  - {opt: adam}\n',
    /'opt' is a group of parameters \(name\); give a mapping/,
  ],
  [
    'unknown placeholder',
    'name: x\nparameters: {lr: [1]}\ncommand: python t.py --lr {lrr}\n',
    /sweep\.yaml:3:1: command: placeholder \{lrr\} names no parameter or setting; did you mean 'lr'\?/,
  ],
  [
    'unclosed quote in command',
    `name: x\nparameters: {lr: [1]}\ncommand: python -c "print(1)\n`,
    /command: the double quote opened in the command is never closed/,
  ],
  [
    'command and function',
    'name: x\nparameters: {a: [1]}\ncommand: "true"\nfunction: ./f.ts\n',
    /function: give either command or function, not both/,
  ],
  [
    'driver and command',
    'name: x\nparameters: {a: [1]}\ncommand: "true"\ndriver: python\n',
    /driver: a driver experiment is executed by its Python script: give driver or a command\/function, not both/,
  ],
  [
    'unknown driver',
    'name: x\nparameters: {a: [1]}\ndriver: julia\n',
    /sweep\.yaml:3:1: driver: expected 'python' \(runs executed by the Python script that added them\), e\.g\. driver: python/,
  ],
  [
    'negative retries',
    'name: x\nparameters: {a: [1]}\nretries: -1\n',
    /sweep\.yaml:3:1: retries: expected a whole number ≥ 0, e\.g\. retries: 2/,
  ],
  ['retries as text', 'name: x\nparameters: {a: [1]}\nretries: many\n', /retries: expected how often a failed run is retried/],
  ['bad timeout', 'name: x\nparameters: {a: [1]}\ntimeout: 10 minutes\n', /timeout: expected a positive duration such as 90s, 10m/],
  ['zero seeds', 'name: x\nparameters: {a: [1]}\nseeds: 0\n', /seeds: expected a number of seeds/],
  ['seeds and a seed parameter', 'name: x\nparameters: {seed: [1]}\nseeds: 3\n', /seeds: the parameters already have a 'seed'/],
  ['unknown resource', 'name: x\nparameters: {a: [1]}\nresources: {gpu: 1}\n', /resources\.gpu: unknown key 'gpu'; did you mean 'gpus'/],
  [
    'zero CPUs',
    'name: x\nparameters: {a: [1]}\nresources: {cpus: 0}\n',
    /resources\.cpus: expected a whole number of CPUs, e\.g\. cpus: 4/,
  ],
  [
    'empty command',
    "name: x\nparameters: {a: [1]}\ncommand: ''\n",
    /sweep\.yaml:3:1: command: the command is empty; e\.g\. command: python train\.py/,
  ],
  ['negative timeout', 'name: x\nparameters: {a: [1]}\ntimeout: -3\n', /timeout: expected a positive duration such as 90s/],
  ['empty list of seeds', 'name: x\nparameters: {a: [1]}\nseeds: []\n', /seeds: expected at least one seed, e\.g\. seeds: \[1, 7, 42\]/],
  ['a tag that is not text', 'name: x\nparameters: {a: [1]}\ntags: [1]\n', /tags\[0\]: each tag is text/],
  ['bad memory size', 'name: x\nparameters: {a: [1]}\nresources: {memory: lots}\n', /resources\.memory: expected a memory size/],
  ['infinite value', 'name: x\nparameters:\n  a: [1, .inf]\n', /parameters\.a: Infinity is not a finite number/],
  ['no parameters', 'name: x\n', /parameters: no parameters: give at least one/],
  ['empty group', 'name: x\nparameters:\n  opt: {}\n', /parameters\.opt: is an empty group/],
  ['value listed twice', 'name: x\nparameters:\n  lr: [0.1, 0.1]\n', /parameters\.lr: 0\.1 is listed twice; each value must appear once/],
  ['seed listed twice', 'name: x\nparameters: {a: [1]}\nseeds: [3, 3]\n', /seeds: a seed is listed twice/],
  ['tags not a list', 'name: x\nparameters: {a: [1]}\ntags: baseline\n', /tags: expected a list of tags/],
  [
    'unknown notify channel',
    'name: x\nparameters: {a: [1]}\nnotify:\n  - consle\n',
    /sweep\.yaml:4:5: notify\[0\]: unknown channel 'consle'; did you mean 'console'\? \(channels: console, webhook, email\)/,
  ],
  [
    'webhook that is not a URL',
    'name: x\nparameters: {a: [1]}\nnotify:\n  - webhook: hooks.slack.com/services/T/B/X\n',
    /sweep\.yaml:4:5: notify\[0\]\.webhook: 'hooks\.slack\.com\/services\/T\/B\/X' is not an http\(s\) URL; give the full address/,
  ],
  [
    'e-mail recipient without a domain',
    'name: x\nparameters: {a: [1]}\nnotify:\n  - email:\n      to: [me@lab.org, you]\n',
    /sweep\.yaml:5:24: notify\[0\]\.email\.to\[1\]: 'you' is not an e-mail address, e\.g\. me@lab\.org/,
  ],
  [
    'notify event misspelt',
    'name: x\nparameters: {a: [1]}\nnotify:\n  - console: true\n    on: [finish]\n',
    /sweep\.yaml:5:5: notify\[0\]\.on: unknown event 'finish'; did you mean 'finished'\? \(events: finished, failed\)/,
  ],
  [
    'two channels in one notify entry',
    'name: x\nparameters: {a: [1]}\nnotify:\n  - webhook: https://x.org/hook\n    email: me@lab.org\n',
    /sweep\.yaml:4:5: notify\[0\]: names webhook and email: give one channel per entry/,
  ],
  [
    'bad min_interval',
    'name: x\nparameters: {a: [1]}\nnotify:\n  - console: true\n    min_interval: often\n',
    /notify\[0\]\.min_interval: expected a duration ≥ 0 such as 30s/,
  ],
];

const BAD_OVERRIDES: Array<[string, RegExp]> = [
  ['lr', /override 'lr': no '='; write lr=VALUE/],
  ['lr=', /override 'lr=': no value after '='/],
  ['=3', /override '=3': the key is missing; write key=value/],
  ['lrr=0.1', /override 'lrr=0\.1': 'lrr' is not a parameter or setting; did you mean 'lr'\?; to add a new parameter write \+lrr=0\.1/],
  ['+lr=0.5', /override '\+lr=0\.5': 'lr' exists already; to replace its values write lr=0\.5/],
  ['~dropout', /override '~dropout': there is no parameter 'dropout' to remove/],
  ['lr=range(3,1)', /override 'lr=range\(3,1\)': range\(3,1\) is empty/],
  ['lr=[1,2', /override 'lr=\[1,2': '\]' is missing; check the brackets/],
  ['lr=1,,2', /an empty value between commas; remove the extra comma/],
  ['n_fold=5,10', /'n_fold' is a setting, which takes one value; to sweep it, move it from settings to parameters/],
  ['optimizer=adam', /'optimizer' is a group of parameters \(name\); set one of them, e\.g\. optimizer\.name=…/],
  ['lr.x=1', /'lr' is a list, not a group/],
  ['~lr=3', /~ removes a key and takes no value; write ~lr/],
  ["lr='abc", /the quote ' is never closed/],
  ['+settings.n_fold=3', /setting 'n_fold' exists already/],
];

async function storeSnapshot(dir: string): Promise<string> {
  const store = await openStore({ cwd: dir });
  try {
    return JSON.stringify([await store.listExperiments(), await store.listRuns({}), await store.countRuns({})]);
  } finally {
    await store.close();
  }
}

async function projectWithOneExperiment(t: import('node:test').TestContext): Promise<{ dir: string; before: string }> {
  const dir = tempDir(t);
  assert.equal((await cli(dir, ['init'])).code, 0);
  assert.equal((await cli(dir, ['add', writeSpec(dir, GOOD, 'good.yaml')])).code, 0);
  return { dir, before: await storeSnapshot(dir) };
}

for (const [title, yaml, expected] of BAD_SPECS) {
  test(`malformed spec (${title}) is refused with a precise message and changes nothing`, async (t) => {
    const { dir, before } = await projectWithOneExperiment(t);
    const result = await cli(dir, ['add', writeSpec(dir, yaml)]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, expected);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(await storeSnapshot(dir), before);
  });
}

for (const [override, expected] of BAD_OVERRIDES) {
  test(`malformed override ${override} is refused with a precise message and changes nothing`, async (t) => {
    const { dir, before } = await projectWithOneExperiment(t);
    const result = await cli(dir, ['add', `${dir}/good.yaml`, override]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, expected);
    assert.equal(await storeSnapshot(dir), before);
  });
}

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

test('the catalogue has at least 20 malformed specs and 10 malformed overrides', () => {
  assert.ok(BAD_SPECS.length >= 20);
  assert.ok(BAD_OVERRIDES.length >= 10);
});
