import type { Command } from 'commander';
import { RUN_STATES, type RunFilter, type RunState } from '../domain/index.js';
import { UsageError } from '../errors.js';
import { parseRunCondition } from '../query/run-condition.js';
import { isRunRef, resolveRuns } from '../queue/run-ref.js';
import type { Store } from '../store/types.js';

/**
 * How every command that selects runs is told which: positional words (run ids and hash
 * prefixes, or a query), `-e/--experiment` and `-s/--state`. The words are run references when
 * every one of them is one (a query always has an operator, so it never looks like one).
 */
export interface SelectionOptions {
  experiment?: string;
  state?: string;
}

export interface Selection {
  refs: string[];
  filter: RunFilter;
  /** Whether the user narrowed the runs at all (commands that change runs refuse to act on everything by accident). */
  narrowed: boolean;
}

/** Adds the positional runs-or-query argument and the -e / -s options. */
export function withSelection(command: Command, stateHelp = 'only runs in these states, e.g. FAILED,RUNNING'): Command {
  return command
    .argument(
      '[runs-or-query...]',
      'run ids or hash prefixes (42 3fa9c1), or a query such as \'lr < 0.1 & model == "svc"\' (docs/query.md)',
    )
    .option('-e, --experiment <names>', 'only these experiments (comma-separated)')
    .option('-s, --state <states>', stateHelp);
}

export function selectionOf(options: SelectionOptions, words: readonly string[]): Selection {
  const refs = words.length > 0 && words.every(isRunRef) ? [...words] : [];
  const query = refs.length > 0 ? '' : words.join(' ').trim();
  const filter: RunFilter = {
    ...(options.experiment && { experiments: parseList(options.experiment) }),
    ...(options.state && { states: parseStates(options.state) }),
    ...(query && { query: parseRunCondition(query) }),
  };
  return { refs, filter, narrowed: refs.length > 0 || Object.keys(filter).length > 0 };
}

/** The selection as one filter, its run references resolved to ids (an unknown one is an error). */
export async function selectionFilter(store: Store, selection: Selection): Promise<RunFilter> {
  if (selection.refs.length === 0) return selection.filter;
  const runs = await resolveRuns(store, selection.refs);
  return { ...selection.filter, ids: runs.map((run) => run.id) };
}

/** `FAILED,RUNNING` → states, case-insensitive; a typo gets the list of states. */
export function parseStates(text: string): RunState[] {
  return text.split(',').map((part) => {
    const state = part.trim().toUpperCase();
    if (!(RUN_STATES as readonly string[]).includes(state)) {
      throw new UsageError(`'${part.trim()}' is not a run state; use one or more of ${RUN_STATES.join(', ')} (comma-separated)`);
    }
    return state as RunState;
  });
}

/** Comma-separated names, for --experiment and --group. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
