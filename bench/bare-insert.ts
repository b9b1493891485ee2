/**
 * The baseline of add-million.bench.ts, run as a process of its own (its peak memory is
 * measured): the planned runs of the spec in argv[2] (a JSON file) inserted by bare SQLite,
 * hash and params, into a table keyed by hash, in one transaction, into the directory argv[3].
 */
import { readFileSync } from 'node:fs';
import { planRuns } from '../src/spec/expand-grid.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { bareDatabase } from './scratch.js';

const [specFile, dir] = process.argv.slice(2) as [string, string];
const { spec } = defineExperiment(JSON.parse(readFileSync(specFile, 'utf8')));
const db = bareDatabase(dir);
db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, params TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO runs (hash, params) VALUES (?, ?)');
db.transaction(() => {
  for (const batch of planRuns(spec)) for (const run of batch) insert.run(run.hash, run.paramsJson);
});
db.close();
