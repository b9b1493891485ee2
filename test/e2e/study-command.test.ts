import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Study } from '../../src/study/index.js';
import { cli } from '../helpers/cli.js';
import { project, projectStore } from '../helpers/project.js';
import { QUADRATIC } from '../helpers/quadratic-study.js';

test('labbook study shows the best trial and the importance, and draws the history', async (t) => {
  const dir = await project(t);
  const store = await projectStore(t, dir);
  const study = await Study.create(store, { ...QUADRATIC, name: 'tuned' });
  for (let i = 0; i < 12; i++) {
    const trial = await study.ask();
    assert.ok(trial);
    await study.tell(trial.number, { state: 'COMPLETE', values: [(trial.params.x as number) ** 2] });
  }
  await study.close();
  const losses = (await study.trials()).map((trial) => trial.values?.[0] as number);

  const shown = await cli(dir, ['study', 'tuned', '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  const json = JSON.parse(shown.stdout);
  assert.equal(json.best.values[0], Math.min(...losses));
  assert.equal(json.importance[0].parameter, 'x');
  assert.deepEqual(json.counts, { RUNNING: 0, COMPLETE: 12, PRUNED: 0, FAILED: 0 });
  assert.equal(json.trials.length, 12);

  const text = await cli(dir, ['study', 'tuned']);
  assert.match(text.stdout, new RegExp(`best trial \\d+ \\(run \\d+\\): loss ${Math.min(...losses)}`));
  assert.match(text.stdout, /parameter importance/);

  const drawn = await cli(dir, ['study', 'tuned', '--plot', 'history', '-o', 'history.png']);
  assert.equal(drawn.code, 0, drawn.stderr);
  assert.deepEqual([...readFileSync(join(dir, 'history.png')).subarray(1, 4)], [...Buffer.from('PNG')]);
  const unknown = await cli(dir, ['study', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no study 'nope'/);
});
