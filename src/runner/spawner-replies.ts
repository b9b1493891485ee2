/**
 * Reads what lb-spawn writes on its stdout (see src/runner/spawner/lb-spawn.c): lines of
 * space-separated fields (`started ID PID`, `exited ID CODE SIGNAL CLOSED`, ...), and
 * `data ID LENGTH` lines followed by LENGTH bytes a run wrote to its fd 3.
 */
export interface ReplyHandlers {
  /** A reply line, split: its kind, the run's id, and up to three more fields ('' when absent). */
  line(kind: string, id: string, a: string, b: string, c: string): void;
  data(id: string, bytes: Buffer): void;
}

export class SpawnerReplies {
  /** Bytes of an unfinished line or data frame. */
  private pending: Buffer | undefined;

  constructor(private readonly handlers: ReplyHandlers) {}

  push(chunk: Buffer): void {
    const buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let start = 0;
    while (start < buffer.length) {
      const end = buffer.indexOf(10, start);
      if (end === -1) break;
      const fields = buffer.toString('latin1', start, end).split(' ');
      const [kind = '', id = '', a = '', b = '', c = ''] = fields;
      if (kind === 'data') {
        const bytesEnd = end + 1 + Number(a);
        if (bytesEnd > buffer.length) break;
        this.handlers.data(id, buffer.subarray(end + 1, bytesEnd));
        start = bytesEnd;
        continue;
      }
      this.handlers.line(kind, id, a, b, c);
      start = end + 1;
    }
    if (start < buffer.length) this.pending = Buffer.from(buffer.subarray(start));
  }
}
