import { OverrideError } from '../errors.js';
import { didYouMean } from '../util/closest-matches.js';
import { globValues } from './glob-match.js';
import { describeValue, isPlainObject, keyPaths } from './json-value.js';
import { parseOverrideValue } from './override-values.js';
import { looksLikeRange, parseRange } from './range.js';
import type { Glob } from './sweep-functions.js';
import type { JsonValue } from './types.js';

/**
 * Hydra-style command-line overrides, applied to a raw spec before validation:
 *   lr=0.1,0.01      sweep these values (replaces the parameter's values)
 *   seed=range(5)    sweep 0..4
 *   model=svc        one value
 *   x=[1,2]          one value that is a list (brackets and quotes group)
 *   opt=choice(adam,sgd), model=glob(s*), sort(…), shuffle(…)   Hydra's sweep functions
 *   +model.depth=3   add a parameter that does not exist yet
 *   ++lr=0.5         add or replace
 *   ~lr              remove a parameter
 *   n_fold=10, settings.n_fold=10   replace a setting (settings take one value)
 */
export interface Override {
  text: string;
  mode: 'set' | 'add' | 'upsert' | 'delete';
  path: string[];
  values: JsonValue[];
  /** `model=glob(s*)`: the values are those of the spec that match, known once the override is applied. */
  glob?: Glob;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

export function parseOverride(text: string): Override {
  // Node reads the command line as UTF-8 and puts U+FFFD where bytes are not.
  const replaced = text.indexOf('\ufffd');
  if (replaced >= 0) {
    throw new OverrideError(
      text,
      `character ${replaced + 1} stands for bytes that are not UTF-8 text (U+FFFD); give the override in UTF-8`,
    );
  }
  const match = /^(\+\+|\+|~)?([^=]*)(?:=(.*))?$/s.exec(text) as RegExpExecArray;
  const prefix = match[1];
  const key = (match[2] ?? '').trim();
  const valueText = match[3];
  const mode = prefix === '++' ? 'upsert' : prefix === '+' ? 'add' : prefix === '~' ? 'delete' : 'set';
  if (!KEY.test(key)) {
    const hint = key === '' ? 'the key is missing' : `'${key}' is not a key`;
    throw new OverrideError(text, `${hint}; write key=value, e.g. lr=0.1,0.01 or optimizer.lr=0.1`);
  }
  if (key.split('.').includes('__proto__')) throw new OverrideError(text, "'__proto__' is reserved by JavaScript and cannot be a key");
  if (mode === 'delete') {
    if (valueText !== undefined) throw new OverrideError(text, `~ removes a key and takes no value; write ~${key}`);
    return { text, mode, path: key.split('.'), values: [] };
  }
  if (valueText === undefined) throw new OverrideError(text, `no '='; write ${key}=VALUE, e.g. ${key}=0.1 or ${key}=1,2,3`);
  if (valueText.trim() === '')
    throw new OverrideError(text, `no value after '='; write ${key}=VALUE (quote it, ${key}='', for empty text)`);
  const value = parseOverrideValue(text, valueText);
  return { text, mode, path: key.split('.'), ...('glob' in value ? { values: [], glob: value.glob } : value) };
}

/** Applies overrides to a raw spec object (not modified); the result is validated as a whole afterwards. */
export function applyOverrides(raw: Record<string, unknown>, overrides: readonly Override[]): Record<string, unknown> {
  const result = structuredClone(raw);
  const parameters = isPlainObject(result.parameters) ? result.parameters : {};
  const settings = isPlainObject(result.settings) ? result.settings : {};
  result.parameters = parameters;
  result.settings = settings;
  for (const override of overrides) {
    const [first, ...rest] = override.path as [string, ...string[]];
    if (first === 'settings' && rest.length > 0) applyToSetting(settings, rest, override);
    else if (rest.length === 0 && Object.hasOwn(settings, first) && !Object.hasOwn(parameters, first))
      applyToSetting(settings, [first], override);
    else applyToParameter(parameters, override, settings);
  }
  return result;
}

function applyToSetting(settings: Record<string, unknown>, path: string[], override: Override): void {
  const { parent, name } = walk(settings, path, override, 'setting', true);
  if (override.mode === 'delete') {
    delete parent[name];
    return;
  }
  if (override.glob || override.values.length !== 1) {
    throw new OverrideError(
      override.text,
      `'${path.join('.')}' is a setting, which takes one value; to sweep it, move it from settings to parameters in the spec`,
    );
  }
  if (override.mode === 'add' && Object.hasOwn(parent, name)) {
    throw new OverrideError(override.text, `setting '${path.join('.')}' exists already; to replace it write ${override.text.slice(1)}`);
  }
  parent[name] = override.values[0];
}

function applyToParameter(parameters: Record<string, unknown>, override: Override, settings: Record<string, unknown>): void {
  const dotted = override.path.join('.');
  const creating = override.mode === 'add' || override.mode === 'upsert';
  const { parent, name } = walk(parameters, override.path, override, 'parameter', creating);
  const exists = Object.hasOwn(parent, name);
  if (override.mode === 'delete') {
    if (!exists)
      throw new OverrideError(override.text, `there is no parameter '${dotted}' to remove${didYouMean(dotted, keyPaths(parameters))}`);
    delete parent[name];
    return;
  }
  if (override.mode === 'add' && exists) {
    throw new OverrideError(override.text, `'${dotted}' exists already; to replace its values write ${override.text.slice(1)}`);
  }
  if (override.mode === 'set' && !exists) {
    const known = [...keyPaths(parameters), ...Object.keys(settings)];
    throw new OverrideError(
      override.text,
      `'${dotted}' is not a parameter or setting${didYouMean(dotted, known)}; to add a new parameter write +${override.text}`,
    );
  }
  if (exists && isPlainObject(parent[name])) {
    const members = Object.keys(parent[name] as object).join(', ');
    throw new OverrideError(
      override.text,
      `'${dotted}' is a group of parameters (${members}); set one of them, e.g. ${dotted}.${Object.keys(parent[name] as object)[0]}=…`,
    );
  }
  parent[name] = override.glob ? selectedValues(parent[name], exists, override, dotted) : override.values;
}

/** The values of the parameter in the spec that the override's glob selects. */
function selectedValues(domain: unknown, exists: boolean, override: Override, dotted: string): JsonValue[] {
  if (!exists) throw new OverrideError(override.text, `glob() selects among the values '${dotted}' has in the spec, and it has none`);
  let values = Array.isArray(domain) ? (domain as JsonValue[]) : [domain as JsonValue];
  if (typeof domain === 'string' && looksLikeRange(domain)) {
    const range = parseRange(domain);
    if ('error' in range) throw new OverrideError(override.text, `${dotted} is ${domain}: ${range.error}`);
    values = range.values;
  }
  const selected = globValues(values, override.glob as Glob);
  if (selected.length === 0) {
    const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
    throw new OverrideError(override.text, `the glob selects none of the values of '${dotted}' (${shown})`);
  }
  return selected;
}

/** Finds (or, when allowed, creates) the mapping that holds the last key of `path`. */
function walk(root: Record<string, unknown>, path: string[], override: Override, what: string, create: boolean) {
  let parent = root;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as string;
    // Own keys only: `constructor` or `toString` must not find what every object inherits.
    const next = Object.hasOwn(parent, segment) ? parent[segment] : undefined;
    if (next === undefined && create) {
      const group: Record<string, unknown> = {};
      parent[segment] = group;
      parent = group;
    } else if (isPlainObject(next)) parent = next;
    else {
      const at = path.slice(0, i + 1).join('.');
      const why =
        next === undefined
          ? `there is no ${what} group '${at}'${didYouMean(at, keyPaths(root))}`
          : `'${at}' is ${describeValue(next)}, not a group`;
      throw new OverrideError(override.text, why);
    }
  }
  return { parent, name: path[path.length - 1] as string };
}
