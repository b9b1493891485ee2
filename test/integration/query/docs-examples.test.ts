import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRunCondition } from '../../../src/query/index.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { repoPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { queryFixture } from '../store/query-fixture.js';

const doc = readFileSync(repoPath('docs', 'query.md'), 'utf8');
const examples = [...doc.matchAll(/```query\n([\s\S]*?)```/g)].flatMap((block) =>
  (block[1] as string)
    .trimEnd()
    .split('\n')
    .map((line) => {
      const match = /^(.*?)\s+# runs? ([\d, ]+)$/.exec(line);
      assert.ok(match, `example line says which runs it matches: ${line}`);
      return { query: match[1] as string, ids: (match[2] as string).split(',').map(Number) };
    }),
);

test('docs/query.md has examples', () => assert.ok(examples.length >= 10));

test('every example in docs/query.md matches the runs it announces', async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  await queryFixture(store);
  for (const { query, ids } of examples) {
    assert.deepEqual(
      (await store.listRuns({ experiments: ['cv'], query: parseRunCondition(query) })).map((r) => r.id),
      ids,
      query,
    );
  }
});

test('the error examples in docs/query.md are what the CLI prints', async () => {
  assert.match(
    doc,
    /query syntax error at column 17: expected a condition such as lr == 0\.1, found end of query\n {2}model == "svc" &\n {18}\^/,
  );
});
