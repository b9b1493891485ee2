import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { SpecError } from '../../../src/errors.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';

const yamlLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/yaml/'));

const YAML = `name: cv
parameters:
  model: [svc, rf]
  lr: [0.1, 0.01]
settings: {n_fold: 5}
exclude:
  - {model: rf, lr: 0.01}
command: python train.py
`;
const JSON_SPEC = JSON.stringify(
  {
    name: 'cv',
    parameters: { model: ['svc', 'rf'], lr: [0.1, 0.01] },
    settings: { n_fold: 5 },
    exclude: [{ model: 'rf', lr: 0.01 }],
    command: 'python train.py',
  },
  null,
  2,
);

test('a spec written as JSON is read without loading the YAML parser, to the same spec as its YAML form', () => {
  const fromJson = loadSpecText(JSON_SPEC, 'spec.json');
  assert.equal(yamlLoaded(), false, 'the YAML parser was loaded for a JSON spec');
  assert.deepEqual(fromJson, loadSpecText(YAML, 'spec.yaml'));
  assert.equal(yamlLoaded(), true);
  assert.deepEqual(loadSpecText(JSON_SPEC, 'spec.json', ['lr=0.5']), loadSpecText(YAML, 'spec.yaml', ['lr=0.5']));
});

test('a JSON spec with a problem is reported at its line and column, as a YAML one is', () => {
  const broken = JSON_SPEC.replace('"settings"', '"setings"');
  const line = broken.split('\n').findIndex((text) => text.includes('"setings"')) + 1;
  assert.throws(
    () => loadSpecText(broken, 'spec.json'),
    new RegExp(`spec\\.json:${line}:3: setings: unknown key 'setings'; did you mean 'settings'\\?`),
  );
});

test('a placeholder must name what a run fills it with, so that it never becomes empty text', () => {
  const spec = (command: string) => `name: p\nparameters:\n  lr: [0.1]\nsettings:\n  data: {root: /data}\ncommand: ${command}\n`;
  assert.throws(
    () => loadSpecText(spec('echo {settings.lr}'), 'p.yaml'),
    /p\.yaml:6:1: command: placeholder \{settings\.lr\} names no setting: 'lr' is a parameter; write \{lr\}$/,
  );
  assert.throws(() => loadSpecText(spec('echo {q}'), 'p.yaml'), /placeholder \{q\} names no parameter or setting/);
  assert.throws(
    () => loadSpecText(spec('echo {data.rot}'), 'p.yaml'),
    /placeholder \{data\.rot\} names no parameter or setting; did you mean 'data\.root'/,
  );
  // A setting that is a mapping is reached into, as the runner does.
  assert.deepEqual(loadSpecText(spec('echo {data.root} {settings.data.root} {lr}'), 'p.yaml').spec.command, [
    'echo',
    '{data.root}',
    '{settings.data.root}',
    '{lr}',
  ]);
});

test('every problem of a spec is reported at once, in the order of its lines', () => {
  const text = `name: all-at-once
parameters:
  lr: [0.1, 0.01]
  model: [svc]
retries: -1
timeout: soon
colour: blue
exclude:
  - {modle: svc}
command: python train.py --lr {lrr}
`;
  const error = catchSpecError(() => loadSpecText(text, 's.yaml'));
  assert.deepEqual(
    error.issues.map(({ line, key }) => `${line} ${key}`),
    ['5 retries', '6 timeout', '7 colour', '9 exclude[0].modle', '10 command'],
  );
});

test('a refused parameter is reported once, not again by the excludes and placeholders that name it', () => {
  const text = 'name: x\nparameters:\n  lr: []\n  model: [svc]\nseeds: 0\nexclude:\n  - {lr: 1, seed: 2}\ncommand: run {lr} {seed} {q}\n';
  const error = catchSpecError(() => loadSpecText(text, 's.yaml'));
  assert.deepEqual(
    error.issues.map(({ key, message }) => `${key}: ${message.split(';')[0]}`),
    [
      'parameters.lr: has no values',
      'seeds: expected a number of seeds ≥ 1 (seeds: 5 → seed 0..4) or a list of seeds',
      'command: placeholder {q} names no parameter or setting',
    ],
  );
});

function catchSpecError(load: () => unknown): SpecError {
  try {
    load();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  return assert.fail('the spec was accepted');
}
