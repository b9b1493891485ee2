import { canonicalJson } from './canonical-json.js';
import { splitCommandLine } from './command-template.js';
import { isPlainObject } from './json-value.js';
import type { JsonValue } from './types.js';

/**
 * What a run's result depends on besides its parameters: the settings and what executes it
 * (the command as its argument list, a function, or a Python driver). A COMPLETED run is the
 * cache for a planned run with the same parameters only when both specs have the same
 * setup; retries, a timeout, resources, the code snapshot or the rest of the grid change no
 * result. With `withCode` (--rerun-if-code-changed), the code snapshot does: a run of other
 * code, or of none, is no cache. Read from the raw spec each version keeps, so versions saved
 * before the spec rules changed compare too.
 */
export function runSetupOf(raw: JsonValue, options: { withCode?: boolean } = {}): string {
  const spec = (isPlainObject(raw) ? raw : {}) as Record<string, JsonValue | undefined>;
  const split = typeof spec.command === 'string' ? splitCommandLine(spec.command) : undefined;
  return canonicalJson({
    settings: spec.settings ?? {},
    command: split && 'argv' in split ? split.argv : (spec.command ?? null),
    function: spec.function ?? null,
    driver: spec.driver ?? null,
    ...(options.withCode && { code: (isPlainObject(spec.code) && spec.code.tree) || null }),
  });
}
