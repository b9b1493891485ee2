import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { resolveEntity } from '../../lineage/index.js';
import type { JsonValue } from '../../spec/types.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';

export function defineAnnotate(program: Command, ctx: CliContext): void {
  const command = program
    .command('annotate')
    .description('add annotations (key=value, a key keeps its first value) and tags to a provenance entity')
    .argument('<entity>', 'at least 6 hex digits of its id, or kind:name[@version]')
    .argument('[annotations...]', 'key=value; the value is read as JSON when it is JSON (3, true, [1,2]), else as text')
    .option('--tag <tag...>', 'tags to add')
    .addHelpText('after', examples('labbook annotate dataset:digits@1 owner=ada reviewed=true', 'labbook annotate 3fa9c1 --tag baseline'));
  bindAction(command, ctx, async (ctx, options: GlobalOptions & { tag?: string[] }, ref: string, words: string[]) => {
    const annotations = Object.fromEntries(words.map(annotation));
    const tags = options.tag ?? [];
    if (words.length === 0 && tags.length === 0)
      throw new UsageError('give key=value annotations or --tag, e.g. labbook annotate 3fa9c1 owner=ada');
    const record = await withStore(ctx, options, async (store) =>
      store.annotateEntity((await resolveEntity(store, ref)).uid, annotations, tags, ctx.clock.now()),
    );
    if (options.json) printJson(ctx, record);
    else
      print(
        ctx,
        `${record.kind} ${record.name} ${record.uid.slice(0, 12)}: ${JSON.stringify(record.annotations)}${record.tags.length ? ` tags ${record.tags.join(', ')}` : ''}`,
      );
    return 0;
  });
}

function annotation(word: string): [string, JsonValue] {
  const split = word.indexOf('=');
  if (split <= 0) throw new UsageError(`'${word}' is not an annotation: write key=value`);
  const text = word.slice(split + 1);
  try {
    return [word.slice(0, split), JSON.parse(text) as JsonValue];
  } catch {
    return [word.slice(0, split), text];
  }
}
