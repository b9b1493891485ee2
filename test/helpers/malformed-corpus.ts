import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { repoPath } from './paths.js';

/**
 * The corpus of malformed input in test/fixtures/malformed/: specs, overrides and queries a
 * user (or a fuzzer) may give, each with the error code and the message labbook must answer.
 */
export interface MalformedCase {
  title: string;
  /** The spec text, or `file`: a file of files/ (for bytes a YAML string cannot hold). */
  spec?: string;
  file?: string;
  overrides?: string[];
  query?: string;
  /** The command a query is given to: ls (default), status, table, export, reset or cancel. */
  command?: string;
  code: string;
  /** Text the message must contain. */
  message: string;
  /** Run through bin/labbook in a child process rather than in this one. */
  binary?: boolean;
}

const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');

export const corpusPath = (...parts: string[]): string => repoPath('test', 'fixtures', 'malformed', ...parts);

/** One catalogue of the corpus: specs, overrides or queries. */
export function loadCorpus(name: 'specs' | 'overrides' | 'queries'): MalformedCase[] {
  const cases = parse(readFileSync(corpusPath(`${name}.yaml`), 'utf8')) as Array<Partial<MalformedCase> & { override?: string }>;
  return cases.map((c) => {
    const overrides = c.overrides ?? (c.override !== undefined ? [c.override] : undefined);
    // An override is its own title.
    return { ...c, title: c.title ?? overrides?.join(' '), ...(overrides && { overrides }) } as MalformedCase;
  });
}

/** The case's query: written inline, or read from a file of files/ (a long one). */
export function queryOf(c: MalformedCase): string {
  return c.query ?? readFileSync(corpusPath('files', c.file as string), 'utf8').trimEnd();
}
