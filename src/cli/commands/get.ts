import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { ArtifactNotFoundError, UsageError } from '../../errors.js';
import { resolveRun } from '../../queue/run-ref.js';
import { objectsOf } from '../../track/store-objects.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, printJson, withStore } from '../context.js';

export function defineGet(program: Command, ctx: CliContext): void {
  const command = program
    .command('get')
    .description("write one of a run's artifacts to stdout or a file")
    .argument('<run>', 'run id, or at least 6 characters of its hash')
    .argument('<name>', "the artifact's name, as 'labbook artifacts RUN' lists it")
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText('after', examples('labbook get 42 confusion.png -o confusion.png', 'labbook get 3fa9c1 predictions.csv | head'));
  bindAction(command, ctx, async (ctx, options: GlobalOptions & { output?: string }, ref: string, name: string) => {
    if (options.json && !options.output) {
      throw new UsageError("get writes the artifact's own bytes to stdout; with --json, give a file with -o and get a summary");
    }
    const { blob, runId, size } = await withStore(ctx, options, async (store) => {
      const run = await resolveRun(store, ref);
      const artifacts = await store.listArtifacts(run.id);
      const artifact = artifacts.find((a) => a.name === name);
      if (!artifact)
        throw new ArtifactNotFoundError(
          run.id,
          name,
          artifacts.map((a) => a.name),
        );
      return { blob: objectsOf(store).pathOf(artifact.sha256), runId: run.id, size: artifact.size };
    });
    if (options.output) {
      const path = resolve(ctx.cwd, options.output);
      await pipeline(createReadStream(blob), createWriteStream(path));
      if (options.json) printJson(ctx, { run: runId, artifact: name, output: path, size });
    } else {
      // Streamed, so a large artifact never sits in memory; stdout itself stays open.
      for await (const chunk of createReadStream(blob)) {
        if (!ctx.stdout.write(chunk as Buffer)) await once(ctx.stdout, 'drain');
      }
    }
    return 0;
  });
}
