import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a YAML spec into `dir` and returns its path. */
export function writeSpec(dir: string, yaml: string, name = 'sweep.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, yaml.replace(/^\n/, ''));
  return file;
}
