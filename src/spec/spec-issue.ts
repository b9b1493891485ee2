/** A problem found while validating a spec, located by its path in the raw document. */
export interface PathIssue {
  path: Array<string | number>;
  message: string;
}

/** `parameters.optimizer.lr`, `exclude[0].dataset`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${printable(part)}` : printable(part);
  return out;
}

/** A key as it can be shown on a terminal: control characters (a NUL, an escape) as \uXXXX. */
function printable(key: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  return key.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
