import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { recordArtifact } from '../../src/track/record-artifact.js';
import { objectsOf } from '../../src/track/store-objects.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A store with four runs of `cv` (model svc/rf × seed), each with a loss series, written through the Store API. */
async function project(t: import('node:test').TestContext): Promise<string> {
  const dir = tempDir(t);
  assert.equal((await cli(dir, ['init'])).code, 0);
  const store = await openStore({ cwd: dir });
  const experiment = await store.saveExperiment('cv', {}, T0);
  const params = [
    { model: 'svc', seed: 1 },
    { model: 'svc', seed: 2 },
    { model: 'rf', seed: 1 },
    { model: 'rf', seed: 2 },
  ];
  await store.enqueueRuns(experiment.id, [params.map((p, i) => ({ hash: String(i + 1).repeat(64), paramsJson: JSON.stringify(p) }))], {
    now: T0,
    retries: 0,
  });
  for (const id of [1, 2, 3, 4]) {
    const points = [0, 1, 2].map((step) => ({ key: 'val.loss', step, value: id + step, at: T0 + step * 1000 }));
    await store.appendMetrics(id, 1, [...points, { key: 'acc', step: 2, value: 0.5 + id / 10, at: T0 + 3000 }]);
  }
  await store.saveEnvironment(1, 1, {
    git: { commit: 'aaa', diff: '' },
    host: 'lab1',
    python: { packages: ['numpy==1.26.0', 'torch==2.3.0'] },
  });
  await store.saveEnvironment(2, 1, {
    git: { commit: 'bbb', diff: '' },
    host: 'lab1',
    python: { packages: ['numpy==2.0.0', 'torch==2.3.0'] },
  });
  writeFileSync(join(dir, 'preds.csv'), 'y\n1\n0\n');
  const objects = objectsOf(store);
  await recordArtifact(store, objects, { id: 1, attempt: 1 }, 'preds.csv', join(dir, 'preds.csv'), undefined, T0);
  writeFileSync(join(dir, 'same-content'), 'y\n1\n0\n');
  await recordArtifact(store, objects, { id: 1, attempt: 1 }, 'copy.bin', join(dir, 'same-content'), undefined, T0);
  await store.close();
  return dir;
}

test('artifacts lists name, size, media type and hash; get writes the blob', async (t) => {
  const dir = await project(t);
  const human = await cli(dir, ['artifacts', '1']);
  assert.equal(human.code, 0);
  assert.match(
    human.stdout,
    /name\s+size\s+type\s+sha256\s+attempt\ncopy\.bin\s+6 B\s+application\/octet-stream\s+[0-9a-f]{12}\s+1\npreds\.csv\s+6 B\s+text\/csv/,
  );
  const json = JSON.parse((await cli(dir, ['--json', 'artifacts', '1'])).stdout);
  assert.deepEqual(
    json.map((a: { name: string; size: number }) => [a.name, a.size]),
    [
      ['copy.bin', 6],
      ['preds.csv', 6],
    ],
  );
  assert.equal(json[0].sha256, json[1].sha256);
  assert.match((await cli(dir, ['artifacts', '2'])).stdout, /Run 2 has no artifacts/);

  assert.equal((await cli(dir, ['get', '1', 'preds.csv'])).stdout, 'y\n1\n0\n');
  assert.equal((await cli(dir, ['get', '1', 'preds.csv', '-o', 'out.csv'])).code, 0);
  assert.equal(readFileSync(join(dir, 'out.csv'), 'utf8'), 'y\n1\n0\n');
  const unknown = await cli(dir, ['get', '1', 'pred.csv']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, "labbook: run 1 has no artifact 'pred.csv'. Its artifacts: copy.bin, preds.csv.\n");
});

test('metrics prints the summaries, or the series of given keys', async (t) => {
  const dir = await project(t);
  const summaries = await cli(dir, ['metrics', '2']);
  assert.match(
    summaries.stdout,
    /key\s+last\s+min\s+max\s+first\s+count\s+last step\s+attempt\nacc\s+0\.7\s+0\.7\s+0\.7\s+0\.7\s+1\s+2\s+1\nval\.loss\s+4\s+2\s+4\s+2\s+3\s+2\s+1/,
  );
  const series = JSON.parse((await cli(dir, ['metrics', '2', 'val.loss', '--json'])).stdout);
  assert.deepEqual(series, [
    { step: 0, value: 2, at: T0 },
    { step: 1, value: 3, at: T0 + 1000 },
    { step: 2, value: 4, at: T0 + 2000 },
  ]);
  const two = JSON.parse((await cli(dir, ['--json', 'metrics', '2', 'val.loss', 'acc'])).stdout);
  assert.deepEqual(Object.keys(two), ['val.loss', 'acc']);
  assert.match((await cli(dir, ['metrics', '2', 'val.loss'])).stdout, /step\s+value\s+time\n\s*0\s+2\s+2026-01-02 03:04:05Z/);
  const typo = await cli(dir, ['metrics', '2', 'val.los']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /run 2 logged no metric 'val\.los'\. Did you mean 'val\.loss'\?/);
});

test('diff shows what differs between two runs, everything with --all', async (t) => {
  const dir = await project(t);
  const human = (await cli(dir, ['diff', '1', '2'])).stdout;
  assert.match(human, /params\s+seed\s+1\s+2/);
  assert.match(human, /environment\s+git\.commit\s+aaa\s+bbb/);
  assert.match(human, /environment\s+python\.packages\.numpy\s+1\.26\.0\s+2\.0\.0/);
  assert.match(human, /metrics\s+acc\s+0\.6\s+0\.7/);
  assert.doesNotMatch(human, /model|host|torch/);
  assert.match((await cli(dir, ['diff', '1', '2', '--all'])).stdout, /params\s+model\s+svc\s+svc/);
  const json = JSON.parse((await cli(dir, ['--json', 'diff', '1', '3'])).stdout);
  assert.deepEqual(json.runs, [1, 3]);
  assert.deepEqual(json.params, [{ key: 'model', a: 'svc', b: 'rf', same: false }]);
  assert.deepEqual(json.environment, [{ key: '(environment)', a: 'recorded', b: 'not recorded', same: false }]);
});

test('plot writes a PNG or an SVG, per run or grouped', async (t) => {
  const dir = await project(t);
  const png = await cli(dir, ['plot', '1', '2', '--key', 'val.loss', '-o', 'loss.png']);
  assert.equal(png.code, 0, png.stderr);
  assert.match(png.stdout, /Wrote loss\.png \(2 runs\)/);
  assert.deepEqual([...readFileSync(join(dir, 'loss.png')).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  assert.equal((await cli(dir, ['plot', '-e', 'cv', '--key', 'val.loss', '--group', 'model', '-o', 'loss.svg'])).code, 0);
  const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
  assert.match(svg, /val\.loss by model \(mean ± std\)/);
  assert.match(svg, />svc</);
  assert.match(svg, />rf</);

  const badFormat = await cli(dir, ['plot', '1', '--key', 'val.loss', '-o', 'loss.jpg']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /give a file name ending in \.png or \.svg/);
  const badKey = await cli(dir, ['plot', '-e', 'cv', '--key', 'loss', '-o', 'x.png']);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /none of the 4 selected runs logged no metric 'loss'\. Did you mean 'val\.loss'\?/);
  const badGroup = await cli(dir, ['plot', '-e', 'cv', '--key', 'val.loss', '--group', 'modle', '-o', 'x.png']);
  assert.match(badGroup.stderr, /no selected run has a parameter 'modle' to group by; did you mean 'model'\?/);
});
