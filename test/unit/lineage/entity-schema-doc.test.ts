import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { entityJsonSchema } from '../../../src/lineage/index.js';
import { repoPath } from '../../helpers/paths.js';

test('docs/provenance.md shows the entity schema the zod definitions generate', () => {
  const text = readFileSync(repoPath('docs', 'provenance.md'), 'utf8');
  const shown = /<!-- entity-schema:start -->\n```json\n([\s\S]*?)\n```\n<!-- entity-schema:end -->/.exec(text)?.[1];
  assert.ok(shown, 'docs/provenance.md has the schema block');
  assert.deepEqual(JSON.parse(shown), entityJsonSchema(), "stale: run 'make build && node scripts/provenance-schema.mjs'");
});
