const MAX_LENGTH = 200;

/**
 * The line of an error text that says what went wrong, shortened: what summaries, notices
 * and the history of a run show. Errors end with it (a stderr tail, a Python traceback,
 * labbook's own note), so it is the last non-empty line, except for a JavaScript stack,
 * whose message comes before its `at …` frames.
 */
export function errorLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const firstFrame = lines.findIndex((l) => /^at /.test(l));
  const line = (firstFrame > 0 ? lines[firstFrame - 1] : lines.at(-1)) ?? '';
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH - 1)}…` : line;
}
