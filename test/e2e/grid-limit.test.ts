import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { project, projectStore } from '../helpers/project.js';

const HUGE = 'name: huge\nparameters:\n  a: range(1000)\n  b: range(1000)\n  c: range(1000)\ncommand: "true"\n';

test('a grid above the limit is refused with its product before anything is expanded or written', async (t) => {
  const dir = await project(t, HUGE);
  for (const command of ['add', 'run']) {
    const refused = await cli(dir, [command, 'sweep.yaml']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(
      refused.stderr,
      'labbook: huge: the grid has 1,000,000,000 runs (a 1,000 × b 1,000 × c 1,000), more than the limit of 10,000,000; nothing was added. ' +
        'Sweep fewer values, or split the grid into several specs; to add it anyway, raise the limit: --grid-limit 1000000000 (or LABBOOK_GRID_LIMIT=1000000000).\n',
    );
  }
  assert.deepEqual(await (await projectStore(t, dir)).listExperiments(), []);
});

test('the count shows what includes may add and that excludes are not subtracted', async (t) => {
  const dir = await project(
    t,
    'name: g\nparameters:\n  a: [1, 2]\n  b: [x, y]\nexclude:\n  - {a: 1, b: x}\ninclude:\n  - {a: 3}\ncommand: "true"\n',
  );
  const refused = await cli(dir, ['add', 'sweep.yaml', '--grid-limit', '5']);
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /^labbook: g: the grid has 6 runs \(a 2 × b 2, up to 2 more from include, before exclude\), more than the limit of 5;/,
  );
  assert.equal((await cli(dir, ['add', 'sweep.yaml', '--grid-limit', '6'])).code, 0);
});

test('the limit is set by --grid-limit or $LABBOOK_GRID_LIMIT, and must be a number of runs', async (t) => {
  const dir = await project(t, 'name: g\nparameters:\n  a: [1, 2, 3, 4]\ncommand: "true"\n');
  assert.equal((await cli(dir, ['add', 'sweep.yaml'], { env: { LABBOOK_GRID_LIMIT: '3' } })).code, 2);
  assert.equal((await cli(dir, ['add', 'sweep.yaml', '--grid-limit', '4'], { env: { LABBOOK_GRID_LIMIT: '3' } })).code, 0);
  const bad = await cli(dir, ['add', 'sweep.yaml', '--grid-limit', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /grid limit 'lots' \(--grid-limit or \$LABBOOK_GRID_LIMIT\) is not a positive whole number of runs/);
});
