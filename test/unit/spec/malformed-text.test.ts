import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpecError } from '../../../src/errors.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';
import { decodeSpecFile } from '../../../src/spec/spec-encoding.js';
import { findValueProblems, MAX_VALUE_DEPTH } from '../../../src/spec/value-problems.js';

/** The one line labbook reports for a spec (file:line:column: key: message). */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (error instanceof SpecError) return error.message;
    throw error;
  }
  return assert.fail('the spec was accepted');
}

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

test('a spec file must be UTF-8: the first byte that is not is located, never replaced by \\ufffd', () => {
  const latin1 = bytes('name: x\nparameters:\n  city: [caf', [0xe9], ']\n');
  assert.match(
    refusal(() => decodeSpecFile(latin1, 's.yaml')),
    /^s\.yaml:3:13: byte 0xE9 is not UTF-8 text \(is the file in Latin-1/,
  );
  // After valid multi-byte characters, the column counts characters.
  assert.match(
    refusal(() => decodeSpecFile(bytes('é€😀', [0xc3, 0x28]), 's.yaml')),
    /^s\.yaml:1:5: byte 0xC3/,
  );
  for (const [name, sequence] of [
    ['overlong', [0xc0, 0xaf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated', [0xe2, 0x82]],
  ] as const) {
    assert.match(
      refusal(() => decodeSpecFile(bytes('a: ', [...sequence]), 's.yaml')),
      /^s\.yaml:1:4: byte/,
      name,
    );
  }
  assert.equal(
    refusal(() => decodeSpecFile(Buffer.from('\ufeffname: x', 'utf16le'), 's.yaml')),
    's.yaml:1:1: the file is UTF-16 text; save it as UTF-8',
  );
  assert.equal(decodeSpecFile(bytes([0xef, 0xbb, 0xbf], 'name: café 😀'), 's.yaml'), 'name: café 😀');
});

test('NUL characters, unpaired surrogates and __proto__ keys are refused where they are', () => {
  const spec = (parameters: string) => `name: x\nparameters:\n${parameters}\n`;
  assert.match(
    refusal(() => loadSpecText(spec('  city: ["ca\\0fe"]'), 's.yaml')),
    /^s\.yaml:3:10: parameters\.city\[0\]: the text holds a NUL character/,
  );
  assert.match(
    refusal(() => loadSpecText(spec('  city: [ca\0fe]'), 's.yaml')),
    /^s\.yaml:3:10: parameters\.city\[0\]: the text holds a NUL character/,
  );
  assert.match(
    refusal(() => loadSpecText(spec('  s: ["\\ud800"]'), 's.yaml')),
    /^s\.yaml:3:7: parameters\.s\[0\]: the text holds an unpaired UTF-16 surrogate/,
  );
  assert.match(
    refusal(() => loadSpecText(spec('  __proto__: [1, 2]\n  lr: [1]'), 's.yaml')),
    /^s\.yaml:3:3: parameters\.__proto__: the key '__proto__' is reserved by JavaScript; rename it$/,
  );
  assert.match(
    refusal(() => loadSpecText('{"name": "x", "parameters": {"lr": [1]}, "settings": {"__proto__": {"x": 1}}}', 's.json')),
    /^s\.json:1:55: settings\.__proto__: the key '__proto__' is reserved by JavaScript/,
  );
});

test('tags the core schema does not know are refused, not read as text', () => {
  assert.match(
    refusal(() => loadSpecText("name: x\nparameters:\n  a: !!python/object/apply:os.system ['ls']\n", 's.yaml')),
    /^s\.yaml:3:6: unknown tag !!python\/object\/apply:os\.system: values are plain YAML/,
  );
  assert.match(
    refusal(() => loadSpecText('name: x\nparameters:\n  a: [!local 1]\n', 's.yaml')),
    /^s\.yaml:3:7: unknown tag !local/,
  );
  assert.deepEqual(
    loadSpecText('name: x\nparameters:\n  a: [!!str 1, !!float 2.5, !!int 3, !!null ~]\n', 's.yaml').spec.parameters.get('a'),
    {
      kind: 'values',
      values: ['1', 2.5, 3, null],
    },
  );
});

test('aliases that expand without bound ("billion laughs") are refused at the first alias', () => {
  const lines = ['name: bomb', 'parameters:', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++)
    lines.push(
      `  a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  assert.match(
    refusal(() => loadSpecText(`${lines.join('\n')}\n`, 's.yaml')),
    /^s\.yaml:4:12: the aliases \(\*a0, …\) repeat their anchors more than 100 times/,
  );
  // A few aliases are fine.
  assert.deepEqual(loadSpecText('name: x\nparameters:\n  a: &v [1, 2]\n  b: *v\n', 's.yaml').spec.parameters.get('b'), {
    kind: 'values',
    values: [1, 2],
  });
});

test(`lists and mappings nest at most ${MAX_VALUE_DEPTH} levels, however deep the input is`, () => {
  const nested = (depth: number) => `name: x\nparameters:\n  a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  // The spec's mapping and parameters are two levels: `a` may hold 62 nested lists.
  assert.doesNotThrow(() => loadSpecText(nested(MAX_VALUE_DEPTH - 2), 's.yaml'));
  assert.match(
    refusal(() => loadSpecText(nested(MAX_VALUE_DEPTH - 1), 's.yaml')),
    /^s\.yaml:3:3: parameters\.a: nests lists or mappings more than 64 levels deep/,
  );
  assert.match(
    refusal(() => loadSpecText(nested(10_000), 's.yaml')),
    /^s\.yaml:3:\d+: lists or mappings nested too deeply; at most 64 levels are allowed$/,
  );
  const json = `{"name": "x", "parameters": {"a": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
  assert.match(
    refusal(() => loadSpecText(json, 's.json')),
    /^s\.json:1:\d+: lists or mappings nested too deeply/,
  );
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.deepEqual(findValueProblems({ a: deep }).issues, [
    { path: ['a', 0], message: 'nests lists or mappings more than 64 levels deep; flatten it' },
  ]);
});
