/**
 * A command is an argv template: `{name}` is replaced per run by a parameter (dotted paths
 * reach into groups), a setting (`{settings.n_fold}` or `{n_fold}`) or a built-in
 * (`{run_id}`, `{run_dir}`, `{experiment}`); `{{` and `}}` are literal braces.
 */
export const BUILTIN_PLACEHOLDERS = ['run_id', 'run_dir', 'experiment', 'attempt'] as const;

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** Names of the placeholders in one argv element, in order. */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) if (match[1] !== undefined) names.push(match[1].trim());
  return names;
}

/** Fills the placeholders of one argv element; `lookup` returns the text for a name. */
export function fillTemplate(template: string, lookup: (name: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, name: string | undefined) => {
    if (name === undefined) return whole[0] as string;
    return lookup(name.trim());
  });
}

/** Splits a command line like a POSIX shell would for words: quotes group, backslash escapes. */
export function splitCommandLine(line: string): { argv: string[] } | { error: string } {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return { error: `the ${quote === '"' ? 'double' : 'single'} quote opened in the command is never closed` };
  if (inWord) argv.push(word);
  return { argv };
}
