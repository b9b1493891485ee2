#!/usr/bin/env node
// Writes the JSON Schema of provenance entities (generated from src/domain/provenance.ts)
// into docs/provenance.md, between its entity-schema markers. Run after `make build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { entityJsonSchema } from '../dist/src/lineage/index.js';

const file = 'docs/provenance.md';
const text = readFileSync(file, 'utf8');
const block = `<!-- entity-schema:start -->\n\`\`\`json\n${JSON.stringify(entityJsonSchema(), null, 2)}\n\`\`\`\n<!-- entity-schema:end -->`;
writeFileSync(file, text.replace(/<!-- entity-schema:start -->[\s\S]*<!-- entity-schema:end -->/, block));
