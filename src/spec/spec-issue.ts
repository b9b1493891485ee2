/** A problem found while validating a spec, located by its path in the raw document. */
export interface PathIssue {
  path: Array<string | number>;
  message: string;
}

/** `parameters.optimizer.lr`, `exclude[0].dataset`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}
