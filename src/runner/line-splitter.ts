/**
 * Splits a byte stream into lines (without their `\n`), keeping a partial line across
 * chunks. Bytes are decoded per line, so a UTF-8 character split by a chunk is intact.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end);
      if (this.pending.length > 0) {
        this.pending.push(piece);
        const line = Buffer.concat(this.pending).toString('utf8');
        this.pending = [];
        this.onLine(line);
      } else {
        this.onLine(piece.toString('utf8'));
      }
      start = end + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  /** The unterminated last line, if any (a child that exited without a final `\n`). */
  end(): void {
    if (this.pending.length === 0) return;
    const line = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.onLine(line);
  }
}
