import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');

const require = createRequire(import.meta.url);
let loaded: YamlModule | undefined;

/**
 * The YAML library, loaded on first use (it takes ~25 ms to load): a spec written as JSON,
 * as the Python driver writes them, is read without it.
 */
export function yaml(): YamlModule {
  loaded ??= require('yaml') as YamlModule;
  return loaded;
}
