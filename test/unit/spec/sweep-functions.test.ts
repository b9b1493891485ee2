import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandGrid } from '../../../src/spec/expand-grid.js';
import { loadSpecText } from '../../../src/spec/load-spec.js';
import { parseOverride } from '../../../src/spec/overrides.js';
import type { JsonValue } from '../../../src/spec/types.js';

const SPEC = `
name: sweeps
parameters:
  model: [svc, rf, sgd, knn]
  lr: [0.1]
  depth: range(1, 4)
settings:
  n_fold: 5
`;

/** The values the parameter sweeps once the overrides are applied to SPEC. */
const swept = (parameter: string, ...overrides: string[]): JsonValue[] | undefined => {
  const domain = loadSpecText(SPEC, 'sweeps.yaml', overrides).spec.parameters.get(parameter);
  return domain?.kind === 'values' ? domain.values : undefined;
};
const values = (override: string) => parseOverride(override).values;

test('choice() sweeps its values, as a comma list does (it was taken as the text "choice(1,2)")', () => {
  assert.deepEqual(values('a=choice(1,2)'), [1, 2]);
  assert.deepEqual(values('a=choice(adam, [1, 2], {k: v})'), ['adam', [1, 2], { k: 'v' }]);
  assert.equal(expandGrid(loadSpecText(SPEC, 'sweeps.yaml', ['lr=choice(0.1,0.01)']).spec).length, 24);
  // Calls and values may be mixed in a comma list: their values are spliced in.
  assert.deepEqual(values('a=1,choice(2,3),range(4,6)'), [1, 2, 3, 4, 5]);
});

test("glob() selects among the parameter's values in the spec, in their order", () => {
  assert.deepEqual(swept('model', 'model=glob(*)'), ['svc', 'rf', 'sgd', 'knn']);
  assert.deepEqual(swept('model', 'model=glob(s*)'), ['svc', 'sgd']);
  assert.deepEqual(swept('model', 'model=glob([s*,r*],exclude=svc)'), ['rf', 'sgd']);
  assert.deepEqual(swept('model', 'model=glob(*,exclude=[s*,"k?n"])'), ['rf']);
  assert.deepEqual(swept('model', 'model=glob([!s]*)'), ['rf', 'knn']);
  // Values that are not text match as their JSON; a range is expanded first.
  assert.deepEqual(swept('depth', 'depth=glob("[23]")'), [2, 3]);
  assert.throws(() => swept('model', 'model=glob(x*)'), /the glob selects none of the values of 'model' \(svc, rf, sgd, knn\)/);
  assert.throws(() => swept('new', '+new=glob(*)'), /glob\(\) selects among the values 'new' has in the spec, and it has none/);
  assert.throws(() => swept('model', 'n_fold=glob(*)'), /'n_fold' is a setting, which takes one value/);
  assert.throws(() => swept('model', 'model=glob(s*),rf'), /glob\(\) selects the values on its own/);
});

test('sort() orders values, a sweep or a list; reverse=true reverses', () => {
  assert.deepEqual(values('a=sort(3,1,2)'), [1, 2, 3]);
  assert.deepEqual(values('a=sort(3,1,2,reverse=true)'), [3, 2, 1]);
  assert.deepEqual(values('a=sort(choice(b,c,a))'), ['a', 'b', 'c']);
  assert.deepEqual(values('a=sort(sweep=range(0,5,2),reverse=true)'), [4, 2, 0]);
  // A list stays one value, sorted; a single value is returned as it is.
  assert.deepEqual(values('a=sort([3,1,2])'), [[1, 2, 3]]);
  assert.deepEqual(values('a=sort(list=[3,1,2],reverse=true)'), [[3, 2, 1]]);
  assert.deepEqual(values('a=sort(1)'), [1]);
  // Texts in code-point order, as Python sorts them: an astral character after U+FFFD.
  assert.deepEqual(values('a=sort("😀","\uFFFC",b)'), ['b', '\uFFFC', '😀']);
  assert.throws(() => values('a=sort(1,a)'), /sort\(\) orders numbers or texts, one kind at a time/);
  assert.throws(() => values('a=sort(b,a,reverse=yes)'), /sort\(\) takes reverse=true or reverse=false, not "yes"/);
});

test('shuffle() reorders with a seed: the same override plans the same order, seed=N picks another', () => {
  const once = values('a=shuffle(range(10))');
  assert.deepEqual(
    [...once].sort((x, y) => (x as number) - (y as number)),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.notDeepEqual(once, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(values('a=shuffle(range(10))'), once);
  assert.deepEqual(values('a=shuffle(sweep=range(10),seed=0)'), once);
  assert.notDeepEqual(values('a=shuffle(range(10),seed=1)'), once);
  assert.deepEqual(values('a=shuffle(a,b,c,d)').length, 4);
  // As in Hydra: a list stays one value, shuffled; a single value becomes a list of one.
  assert.equal((values('a=shuffle([1,2,3])')[0] as number[]).length, 3);
  assert.deepEqual(values('a=shuffle(x)'), [['x']]);
  assert.throws(() => values('a=shuffle(a,b,seed=-1)'), /shuffle\(\) takes a whole number ≥ 0 as its seed/);
});

test('the other functions of the grammar are refused with what to write instead', () => {
  for (const [override, message] of [
    ['a=interval(0,1)', /interval\(\) is a continuous search space, which a grid cannot sweep/],
    ['a=tag(log,interval(0,1))', /tag\(\) labels a sweep for a search algorithm/],
    ['a=int(3.5)', /int\(\) casts are not supported; write the value as it should be/],
    ['a=extend_list(1,2)', /extend_list\(\) is not supported; give the whole list/],
    ['a=choise(1,2)', /unknown function choise\(\); did you mean 'choice'\?; the functions are choice, range, glob, sort, shuffle/],
    ['a=choice()', /choice\(\) needs at least one value/],
    ['a=choice(range(3))', /choice\(\) takes values here; a choice\(\), range\(\) or glob\(\) inside it is not supported/],
    ['a=sort(key=1)', /sort\(\) has no argument 'key' \(its named arguments: sweep, list, reverse\)/],
    ['a=sort(reverse=true,1)', /'1' follows a named argument; give positional arguments first/],
    ['a=sort(1,list=[2])', /sort\(\) reorders values, a sweep \(sweep=…\) or a list \(list=\[…\]\): give one of them/],
    ['a=range(1,3)x', /'range\(1,3\)x' starts like a call of range\(\) but goes on after it; quote it if it is text/],
    [`a=${'sort('.repeat(9)}1${')'.repeat(9)}`, /functions are nested more than 8 deep/],
  ] as const) {
    assert.throws(() => parseOverride(override), message, override);
  }
  // Quoted, a call is text.
  assert.deepEqual(values("a='choice(1,2)'"), ['choice(1,2)']);
});
