import { isAbsolute, relative } from 'node:path';

/** Whether `path` is `directory` or inside it (both absolute). */
export function isInside(directory: string, path: string): boolean {
  const rest = relative(directory, path);
  return !rest.startsWith('..') && !isAbsolute(rest);
}
