import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { resolveRun } from '../../queue/run-ref.js';
import { isTerminal } from '../../queue/run-state.js';
import { runDirectoryOf } from '../../track/store-objects.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, printJsonLine, withStore } from '../context.js';

const STREAMS = { stdout: 'stdout.log', stderr: 'stderr.log', labbook: 'labbook.log' } as const;
type StreamName = keyof typeof STREAMS;

interface LogsOptions extends GlobalOptions {
  follow?: boolean;
  stream?: string;
}

export function defineLogs(program: Command, ctx: CliContext): void {
  const command = program
    .command('logs')
    .description(
      "print a run's output (stdout, stderr, and labbook's notes about it); -f follows it while it runs; --json prints one line per line of output (NDJSON)",
    )
    .argument('<run>', 'run id, or at least 6 characters of its hash')
    .option('-f, --follow', 'keep printing new output until the run ends')
    .option('--stream <names>', 'which logs, comma-separated: stdout, stderr, labbook', 'stdout,stderr')
    .addHelpText(
      'after',
      examples('labbook logs 42', 'labbook logs 42 -f', 'labbook logs 3fa9c1 --stream stderr', 'labbook logs 42 -f --json | jq -r .line'),
    );
  bindAction(command, ctx, async (ctx, options: LogsOptions, ref: string) => {
    const streams = parseStreams(options.stream ?? 'stdout,stderr');
    return withStore(ctx, options, async (store) => {
      const run = await resolveRun(store, ref);
      const dir = runDirectoryOf(store, run.id);
      const offsets = new Map<StreamName, number>(streams.map((name) => [name, 0]));
      const lines = options.json ? new JsonLines(ctx, run.id) : undefined;
      const printNew = async () => {
        for (const name of streams) {
          const text = await readFrom(join(dir, STREAMS[name]), offsets.get(name) ?? 0);
          if (text.length === 0) continue;
          offsets.set(name, (offsets.get(name) ?? 0) + text.length);
          if (lines) lines.add(name, text);
          else ctx.stdout.write(streams.length > 1 && !options.follow ? prefixLines(name, text) : text);
        }
      };
      await printNew();
      if (options.follow) {
        for (;;) {
          const current = await store.getRun(run.id);
          await printNew();
          if (!current || isTerminal(current.state)) break;
          await delay(200);
        }
      }
      lines?.end();
      return 0;
    });
  });
}

function parseStreams(text: string): StreamName[] {
  return text.split(',').map((part) => {
    const name = part.trim();
    if (!(name in STREAMS)) throw new UsageError(`--stream '${name}' is not a log; use stdout, stderr or labbook (comma-separated)`);
    return name as StreamName;
  });
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

function prefixLines(name: string, text: Buffer): string {
  return text
    .toString('utf8')
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${name}| ${line}`)
    .join('\n')
    .concat('\n');
}

/** Output as NDJSON, one document per complete line; a line still being written waits for its end. */
class JsonLines {
  private readonly partial = new Map<StreamName, string>();

  constructor(
    private readonly ctx: CliContext,
    private readonly run: number,
  ) {}

  add(stream: StreamName, text: Buffer): void {
    const parts = ((this.partial.get(stream) ?? '') + text.toString('utf8')).split('\n');
    this.partial.set(stream, parts.pop() ?? '');
    for (const line of parts) printJsonLine(this.ctx, { run: this.run, stream, line });
  }

  end(): void {
    for (const [stream, line] of this.partial) if (line) printJsonLine(this.ctx, { run: this.run, stream, line });
    this.partial.clear();
  }
}
