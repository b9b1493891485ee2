/** JSON texts by object. */
const texts = new WeakMap<object, string>();

/**
 * `JSON.stringify(value)`, made once per object: for values shared by many runs and encoded for
 * each (a spec version's settings, a worker's environment), on the per-run path. The object must
 * not change afterwards.
 */
export function jsonOnce(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
