import { readFileSync } from 'node:fs';
import { PACKAGE_JSON_PATH } from './package-files.js';

/** The package version, read once from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(PACKAGE_JSON_PATH, 'utf8')) as { version: string }).version;
