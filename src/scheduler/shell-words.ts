/** One word for a POSIX shell: left bare when it is only safe characters, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * A value of a directive line (`#SBATCH --chdir=…`): schedulers split those lines on blanks and
 * honour double quotes, but not a shell's other quoting, so only a value with blanks is quoted.
 */
export function directiveWord(word: string): string {
  return /\s/.test(word) ? `"${word.replaceAll('"', '\\"')}"` : word;
}
