import type { Alias, Document, LineCounter, YAMLError } from 'yaml';
import { MAX_VALUE_DEPTH } from './value-problems.js';
import { yaml } from './yaml.js';

/** A problem of YAML text, at an offset in it. */
export interface YamlProblem {
  /** `syntax` for text that is no YAML at all; the others for YAML that labbook does not take. */
  kind: 'syntax' | 'tag' | 'alias' | 'depth' | 'key';
  offset: number;
  message: string;
}

export type ReadYaml = { ok: true; doc: Document; data: unknown } | { ok: false; problems: YamlProblem[] };

/**
 * How often aliases may repeat what an anchor holds, counted as the YAML library counts
 * (an alias of a list of aliases counts them all): a "billion laughs" document of a
 * kilobyte would otherwise expand to gigabytes.
 */
const MAX_ALIAS_COUNT = 100;

const nestedTooDeeply = `lists or mappings nested too deeply; at most ${MAX_VALUE_DEPTH} levels are allowed`;

/**
 * Reads YAML as specs and override values are read: plain data only. Syntax errors, tags
 * the core schema does not know (`!!python/object/apply:…`, which would otherwise be read
 * as text), aliases that expand beyond MAX_ALIAS_COUNT or into themselves, keys that are
 * collections and nesting that exhausts the parser's stack are problems, each at its
 * offset; nothing is printed.
 */
export function readYaml(text: string, lineCounter?: LineCounter): ReadYaml {
  // resolveKnownTags: false refuses YAML 1.1's !!binary, !!set, !!timestamp… too: they make no JSON.
  // logLevel: 'error' keeps the library from printing warnings: what they warn of is a problem here.
  const options = {
    prettyErrors: false,
    uniqueKeys: true,
    resolveKnownTags: false,
    logLevel: 'error' as const,
    ...(lineCounter && { lineCounter }),
  };
  const doc = yaml().parseDocument(text, options);
  const problems = [...doc.errors.map(errorProblem), ...doc.warnings.map(warningProblem)];
  if (problems.length > 0) return { ok: false, problems };
  const structural = selfReferentialAlias(doc) ?? collectionKey(doc);
  if (structural) return { ok: false, problems: [structural] };
  try {
    return { ok: true, doc, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    return { ok: false, problems: [toJsProblem(doc, error)] };
  }
}

function errorProblem(error: YAMLError): YamlProblem {
  // The library composes nested collections recursively and reports the stack overflow.
  if (error.code === 'RESOURCE_EXHAUSTION') {
    return { kind: 'depth', offset: error.pos[0], message: nestedTooDeeply };
  }
  return { kind: 'syntax', offset: error.pos[0], message: `invalid YAML: ${error.message.split('\n')[0]}` };
}

function warningProblem(warning: YAMLError): YamlProblem {
  if (warning.code === 'TAG_RESOLVE_FAILED') {
    const tag = /Unresolved tag: (.*)/.exec(warning.message)?.[1]?.replace('tag:yaml.org,2002:', '!!') ?? 'a tag';
    return {
      kind: 'tag',
      offset: warning.pos[0],
      message: `unknown tag ${tag}: values are plain YAML (text, numbers, true/false, null, lists, mappings); remove the tag, or quote the value if it is text`,
    };
  }
  return { kind: 'syntax', offset: warning.pos[0], message: `invalid YAML: ${warning.message.split('\n')[0]}` };
}

/** Why the document could not become data: its aliases expand too far, or it nests too deeply for the stack. */
function toJsProblem(doc: Document, error: unknown): YamlProblem {
  if (error instanceof RangeError) return { kind: 'depth', offset: 0, message: nestedTooDeeply };
  if (!(error instanceof ReferenceError)) throw error;
  const alias = firstAlias(doc);
  const offset = alias?.range?.[0] ?? 0;
  if (!/alias count/i.test(error.message)) return { kind: 'syntax', offset, message: `invalid YAML: ${error.message}` };
  return {
    kind: 'alias',
    offset,
    message: `the aliases (*${alias?.source}, …) repeat their anchors more than ${MAX_ALIAS_COUNT} times in all, as a "billion laughs" document does; write the values out instead`,
  };
}

/** An alias inside the value its anchor names (`&a [1, *a]`) would make that value contain itself. */
function selfReferentialAlias(doc: Document): YamlProblem | undefined {
  const { visit } = yaml();
  let problem: YamlProblem | undefined;
  visit(doc, {
    Alias(_, alias) {
      const anchored = alias.resolve(doc)?.range;
      const offset = alias.range?.[0] ?? 0;
      if (!anchored || offset < anchored[0] || offset >= anchored[1]) return undefined;
      problem = {
        kind: 'alias',
        offset,
        message: `the alias *${alias.source} is inside the value its anchor &${alias.source} names, which would contain itself; write the values out instead`,
      };
      return visit.BREAK;
    },
  });
  return problem;
}

/** A key that is a list or a mapping (`? [a, b]: 1`): a JavaScript object would make text of it. */
function collectionKey(doc: Document): YamlProblem | undefined {
  const { visit, isCollection } = yaml();
  let problem: YamlProblem | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (!isCollection(pair.key)) return undefined;
      problem = { kind: 'key', offset: pair.key.range?.[0] ?? 0, message: 'a key is a list or a mapping; keys are text, e.g. lr: [0.1]' };
      return visit.BREAK;
    },
  });
  return problem;
}

function firstAlias(doc: Document): Alias | undefined {
  const { visit } = yaml();
  const found: Alias[] = [];
  visit(doc, {
    Alias(_, alias) {
      found.push(alias);
      return visit.BREAK;
    },
  });
  return found[0];
}
