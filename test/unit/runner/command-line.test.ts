import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runArgv } from '../../../src/runner/command-line.js';

const builtins = { run_id: 7, run_dir: '/store/runs/7', experiment: 'cv', attempt: 1 };

test('placeholders take parameters, then settings, then built-ins; values that are not text go in as JSON', () => {
  const argv = runArgv(
    ['train', '--lr={lr}', '--model={model.name}', '--folds={n_fold}', '--root={settings.data.root}', '--tags={tags}', '{run_dir}'],
    { lr: 0.1, model: { name: 'svc' }, tags: ['a', 'b'] },
    { n_fold: 5, data: { root: '/data' } },
    builtins,
  );
  assert.deepEqual(argv, ['train', '--lr=0.1', '--model=svc', '--folds=5', '--root=/data', '--tags=["a","b"]', '/store/runs/7']);
});

test('a parameter whose value is null is written as null, not taken from a setting of the same name', () => {
  const argv = runArgv(['--dropout={dropout}', '{{literal}}'], { dropout: null }, { dropout: 0.5 }, builtins);
  assert.deepEqual(argv, ['--dropout=null', '{literal}']);
});
