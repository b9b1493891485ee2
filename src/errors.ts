import { withThousands } from './util/thousands.js';

/**
 * Every error a user can cause or meet derives from LabbookError. The code is stable
 * (documented in docs/errors.md, checked by a test) so scripts and the Python client can
 * match on it; the message says what to do.
 *
 * Exit statuses (docs/errors.md): 0 success; 1 runs failed (of those the command executed or
 * selected); 2 a mistake in the command or its input; 3 the store or the machine cannot be
 * used as they are; 130 interrupted.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED_RUNS = 1;
export const EXIT_USAGE = 2;
/** The store or the machine cannot be used as it is (no store, a full disk, a Node.js too old); the message says what to do. */
export const EXIT_ENVIRONMENT = 3;
/** Stopped by Ctrl-C (128 + SIGINT, as a shell reports it). */
export const EXIT_INTERRUPTED = 130;

export abstract class LabbookError extends Error {
  abstract readonly code: string;
  /** Exit status of the CLI when this error ends a command. */
  readonly exitCode: number = EXIT_USAGE;
  /** HTTP status when this error answers an API request. */
  readonly httpStatus: number = 400;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem in a spec or override, with where it is. */
export interface SpecIssue {
  /** Dotted key path, e.g. `parameters.lr`. Empty for the document itself. */
  key: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

function formatIssue(issue: SpecIssue): string {
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}:${issue.column ?? 1}` : ''}: ` : '';
  const key = issue.key ? `${issue.key}: ` : '';
  return `${where}${key}${issue.message}`;
}

export class SpecError extends LabbookError {
  readonly code = 'LB_SPEC_INVALID';
  constructor(readonly issues: SpecIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export class GridTooLargeError extends LabbookError {
  readonly code = 'LB_GRID_TOO_LARGE';
  /** `size`: the runs and how they come about, e.g. `1,000,000,000 runs (a 1,000 × b 1,000 × c 1,000)`. */
  constructor(
    readonly experiment: string,
    size: string,
    readonly runs: number,
    readonly limit: number,
  ) {
    super(
      `${experiment}: the grid has ${size}, more than the limit of ${withThousands(limit)}; nothing was added. ` +
        `Sweep fewer values, or split the grid into several specs; to add it anyway, raise the limit: --grid-limit ${runs} (or LABBOOK_GRID_LIMIT=${runs}).`,
    );
  }
}

export class SpecNotFoundError extends LabbookError {
  readonly code = 'LB_SPEC_NOT_FOUND';
  constructor(readonly file: string) {
    super(`${file}: no such spec file. Give the path of a YAML spec, e.g. labbook add sweep.yaml`);
  }
}

export class SpecUnreadableError extends LabbookError {
  readonly code = 'LB_SPEC_UNREADABLE';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: cannot read the spec file (${reason}); check the path and its permissions`);
  }
}

export class OverrideError extends LabbookError {
  readonly code = 'LB_OVERRIDE_INVALID';
  constructor(
    readonly override: string,
    detail: string,
  ) {
    super(`override '${override}': ${detail}`);
  }
}

export class UsageError extends LabbookError {
  readonly code = 'LB_USAGE';
}

export class StoreNotFoundError extends LabbookError {
  readonly code = 'LB_STORE_NOT_FOUND';
  override readonly exitCode = EXIT_ENVIRONMENT;
  constructor(readonly location: string) {
    super(`no labbook store at ${location}. Run 'labbook init' in your project directory, or pass --store PATH.`);
  }
}

export class StoreSchemaNewerError extends LabbookError {
  readonly code = 'LB_STORE_SCHEMA_NEWER';
  override readonly exitCode = EXIT_ENVIRONMENT;
  constructor(
    readonly location: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the store at ${location} has schema version ${found}, but this labbook knows versions up to ${known}. ` +
        'A newer labbook wrote it: upgrade labbook (git pull, then make build, in its checkout) to open it. Nothing was changed.',
    );
  }
}

export class StoreBusyError extends LabbookError {
  readonly code = 'LB_STORE_BUSY';
  override readonly exitCode = EXIT_ENVIRONMENT;
  override readonly httpStatus = 503;
  constructor(location: string, options?: { cause?: unknown }) {
    super(
      `the store at ${location} stayed locked by another process for too long. ` +
        'Retry; if it persists, look for a hung labbook process holding a transaction.',
      options,
    );
  }
}

/**
 * The store or the machine cannot be used as it is (a full disk, a read-only or damaged store,
 * a missing process launcher): neither a mistake in the command nor the fault of a run. A
 * worker that meets one stops and gives its runs back (docs/engine.md).
 */
export abstract class EnvironmentError extends LabbookError {
  override readonly exitCode = EXIT_ENVIRONMENT;
  override readonly httpStatus = 503;
}

export class StoreFullError extends EnvironmentError {
  readonly code = 'LB_STORE_FULL';
  /** `detail`: what failed, e.g. `SQLite: database or disk is full`. */
  constructor(location: string, detail: string, options?: { cause?: unknown }) {
    super(
      `the disk holding the store ${location} is full (${detail}). Nothing it had stored is lost: free space on that disk ` +
        "(the store's runs/ and objects/ directories hold the runs' output and files), then run the command again.",
      options,
    );
  }
}

export class StoreReadOnlyError extends EnvironmentError {
  readonly code = 'LB_STORE_READONLY';
  constructor(location: string, detail: string, options?: { cause?: unknown }) {
    super(
      `labbook cannot write to the store ${location} (${detail}): the file, its directory or its file system is read-only, ` +
        'or belongs to another user. labbook writes to its store even to list runs (it puts back runs whose worker died): ' +
        'make them writable for this user (chmod u+w), or remount the file system read-write.',
      options,
    );
  }
}

export class StoreCorruptError extends EnvironmentError {
  readonly code = 'LB_STORE_CORRUPT';
  constructor(location: string, detail: string, options?: { cause?: unknown }) {
    super(
      `the store ${location} is damaged (${detail}); labbook cannot use it. Restore it from a backup (labbook.db with its ` +
        "labbook.db-wal, if there is one); the sqlite3 shell's .recover command may save what is left of it.",
      options,
    );
  }
}

export class StoreIoError extends EnvironmentError {
  readonly code = 'LB_STORE_IO';
  constructor(location: string, detail: string, options?: { cause?: unknown }) {
    super(
      `reading or writing the store ${location} failed (${detail}): the disk or its file system reported an error. ` +
        'Check it (dmesg; a network file system that went away), then run the command again.',
      options,
    );
  }
}

export class StoreNotLabbookError extends EnvironmentError {
  readonly code = 'LB_STORE_NOT_LABBOOK';
  constructor(readonly location: string) {
    super(
      `${location} is empty (0 bytes): it is not a labbook store, and 'labbook init' did not make it. If it held your runs ` +
        "(a copy or a disk that failed), restore it from a backup; to start afresh, delete it and run 'labbook init'.",
    );
  }
}

export class ExperimentNotFoundError extends LabbookError {
  readonly code = 'LB_EXPERIMENT_NOT_FOUND';
  override readonly httpStatus = 404;
  constructor(
    readonly experiment: string,
    known: readonly string[],
  ) {
    super(
      `no experiment named '${experiment}'. ${known.length ? `Known experiments: ${known.join(', ')}.` : "The store has no experiments yet: add one with 'labbook add SPEC'."}`,
    );
  }
}

export class RunNotFoundError extends LabbookError {
  readonly code = 'LB_RUN_NOT_FOUND';
  override readonly httpStatus = 404;
  constructor(readonly ref: string) {
    super(`no run '${ref}'. Give a run id (as shown by 'labbook ls') or at least 6 characters of its hash.`);
  }
}

export class RunAmbiguousError extends LabbookError {
  readonly code = 'LB_RUN_AMBIGUOUS';
  constructor(
    readonly ref: string,
    candidates: readonly string[],
  ) {
    super(`'${ref}' matches several runs (${candidates.join(', ')}). Give more characters of the hash or the run id.`);
  }
}

/** A script run by hand has the parameters of a run that another process holds under a live lease. */
export class RunBusyError extends LabbookError {
  readonly code = 'LB_RUN_BUSY';
  override readonly httpStatus = 409;
  constructor(runId: number, experiment: string, holder: string | null) {
    super(
      `run ${runId} of ${experiment} is running under ${holder ?? 'another process'}; wait for it or cancel it (labbook cancel ${runId})`,
    );
  }
}

export class LeaseLostError extends LabbookError {
  readonly code = 'LB_QUEUE_LEASE_LOST';
  override readonly exitCode = 1;
  override readonly httpStatus = 409;
  constructor(readonly runId: number) {
    super(
      `run ${runId} is no longer leased to this worker (its lease expired, or it was cancelled or reset); its outcome was not recorded.`,
    );
  }
}

export class ArtifactNotFoundError extends LabbookError {
  readonly code = 'LB_ARTIFACT_NOT_FOUND';
  override readonly httpStatus = 404;
  constructor(
    readonly runId: number,
    readonly artifact: string,
    known: readonly string[],
  ) {
    super(`run ${runId} has no artifact '${artifact}'. ${known.length ? `Its artifacts: ${known.join(', ')}.` : 'It has no artifacts.'}`);
  }
}

export class MetricNotFoundError extends LabbookError {
  readonly code = 'LB_METRIC_NOT_FOUND';
  override readonly httpStatus = 404;
  /** `where`: who did not log it, e.g. `run 42` or `none of the 12 selected runs`. */
  constructor(
    readonly key: string,
    where: string,
    suggestions: readonly string[],
  ) {
    super(
      `${where} logged no metric '${key}'. ${suggestions.length ? `Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}? ` : ''}'labbook metrics RUN' lists a run's metrics.`,
    );
  }
}

/** The query as written, with a caret under the column where it went wrong. */
function pointAt(query: string, column: number): string {
  return `\n  ${query}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
}

export class QuerySyntaxError extends LabbookError {
  readonly code = 'LB_QUERY_SYNTAX';
  constructor(
    readonly query: string,
    readonly column: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`query syntax error at column ${column}: expected ${expected}, found ${found}${pointAt(query, column)}`);
  }
}

export class QueryTooComplexError extends LabbookError {
  readonly code = 'LB_QUERY_TOO_COMPLEX';
  constructor(
    readonly query: string,
    readonly column: number,
    detail: string,
  ) {
    super(`query too complex at column ${column}: ${detail}${pointAt(query, column)}`);
  }
}

export class QueryUnknownKeyError extends LabbookError {
  readonly code = 'LB_QUERY_UNKNOWN_KEY';
  constructor(
    readonly query: string,
    readonly column: number,
    readonly key: string,
    readonly suggestions: readonly string[],
    known: readonly string[],
  ) {
    const hint = suggestions.length
      ? `did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?`
      : known.length
        ? `no run has it; known keys include ${known.slice(0, 8).join(', ')} (all of them: labbook ls --keys)`
        : 'no run in scope has parameters, settings or metrics yet';
    super(`unknown key '${key}' at column ${column}: ${hint}${pointAt(query, column)}`);
  }
}

export class QueryInvalidError extends LabbookError {
  readonly code = 'LB_QUERY_INVALID';
  constructor(
    readonly query: string,
    readonly column: number,
    detail: string,
  ) {
    super(`invalid query at column ${column}: ${detail}${pointAt(query, column)}`);
  }
}

/** A request on the fd-3 channel or to the resident engine that is not what the protocol says (docs/protocol.md). */
export class BadRequestError extends LabbookError {
  readonly code = 'LB_PROTOCOL_BAD_REQUEST';
}

/** `labbook engine serve` when another engine already serves the store on this host. */
export class EngineAlreadyRunningError extends LabbookError {
  readonly code = 'LB_ENGINE_ALREADY_RUNNING';
  override readonly exitCode = EXIT_ENVIRONMENT;
  constructor(readonly storeDir: string) {
    super(`an engine already serves ${storeDir} on this host: 'labbook engine status' shows it, 'labbook engine stop' stops it`);
  }
}

/** The engine serving the store is of another labbook version and has other clients, so it cannot be replaced now. */
export class EngineOtherVersionError extends LabbookError {
  readonly code = 'LB_ENGINE_OTHER_VERSION';
  override readonly exitCode = EXIT_ENVIRONMENT;
  override readonly httpStatus = 409;
  /** `theirs` and `ours`: the two labbooks as version.ts's labbookLabels names them. */
  constructor(storeDir: string, pid: number, theirs: string, ours: string, clients: number) {
    super(
      `the engine serving ${storeDir} (pid ${pid}) is labbook ${theirs}, this is labbook ${ours}, and it is busy ` +
        `with ${clients} other client${clients === 1 ? '' : 's'}. Retry once they are done (it is then replaced), ` +
        "or stop it now with 'labbook engine stop' (their requests fail).",
    );
  }
}

/** The engine could not be started or reached; the message says what happened and where its log is. */
export class EngineUnavailableError extends LabbookError {
  readonly code = 'LB_ENGINE_UNAVAILABLE';
  override readonly exitCode = EXIT_ENVIRONMENT;
  override readonly httpStatus = 503;
}

/** The directory of the engine's socket and lock is unsafe or unusable (docs/protocol.md, "Where the engine is"). */
export class EngineDirUnusableError extends LabbookError {
  readonly code = 'LB_ENGINE_DIR_UNUSABLE';
  override readonly exitCode = EXIT_ENVIRONMENT;
}

/** A client of another user reached the engine's socket: it talks only to processes of its own user. */
export class EnginePeerRefusedError extends LabbookError {
  readonly code = 'LB_ENGINE_PEER_REFUSED';
  override readonly exitCode = EXIT_ENVIRONMENT;
  override readonly httpStatus = 403;
  constructor(peerUid: number | undefined, engineUid: number) {
    super(
      `this engine serves only processes of uid ${engineUid}` +
        `${peerUid === undefined ? ' and could not tell who you are' : `, not uid ${peerUid}`}; run labbook as that user`,
    );
  }
}

/** The compiled addon that tells the engine who is connecting (peer-credentials.node) is not where the build puts it. */
export class EngineHelperMissingError extends LabbookError {
  readonly code = 'LB_ENGINE_HELPER_MISSING';
  override readonly exitCode = EXIT_ENVIRONMENT;
  constructor(readonly path: string) {
    super(
      `the engine's peer check ${path} is missing: labbook's build compiles it with the C compiler (cc). ` +
        "Run 'make build' in the labbook checkout (install gcc first if it is absent).",
    );
  }
}

/** An error the engine answered a request with, with the engine's code and exit status (a client re-raises it). */
export class EngineReportedError extends LabbookError {
  readonly code: string;
  override readonly exitCode: number;
  /** `exit` is absent from the answers of an engine older than the field: those exit as usage errors did. */
  constructor(body: { code: string; message: string; exit?: number }) {
    super(body.message);
    this.code = body.code;
    this.exitCode = body.exit ?? EXIT_USAGE;
  }
}

/** The engine failed to answer a request because of a bug; its log has the details. */
export class EngineInternalError extends LabbookError {
  readonly code = 'LB_INTERNAL';
  override readonly exitCode = 1;
  override readonly httpStatus = 500;
}

/** An HTTP request without a valid token, where the server asks for one (docs/http.md, "Access"). */
export class HttpUnauthorizedError extends LabbookError {
  readonly code = 'LB_HTTP_UNAUTHORIZED';
  override readonly httpStatus = 401;
}

/** An HTTP request the server refuses whoever sends it: a write with a read-only token, a foreign page, an unexpected host name. */
export class HttpForbiddenError extends LabbookError {
  readonly code = 'LB_HTTP_FORBIDDEN';
  override readonly httpStatus = 403;
}

/** An HTTP request beyond what the server takes: a body over its size limit, too many writes in a minute. */
export class HttpLimitError extends LabbookError {
  readonly code = 'LB_HTTP_LIMIT';
  constructor(
    message: string,
    override readonly httpStatus: number,
  ) {
    super(message);
  }
}

/** An HTTP request for a path the API does not have. */
export class HttpNotFoundError extends LabbookError {
  readonly code = 'LB_HTTP_NOT_FOUND';
  override readonly httpStatus = 404;
}

/** `labbook serve` when the store's engine already serves HTTP elsewhere (another address, port or token). */
export class HttpAlreadyServingError extends LabbookError {
  readonly code = 'LB_HTTP_ALREADY_SERVING';
  override readonly exitCode = EXIT_ENVIRONMENT;
  override readonly httpStatus = 409;
  constructor(readonly url: string) {
    super(`the store's engine already serves the API and dashboard on ${url}; use that, or stop it first (labbook serve --stop)`);
  }
}

/** `labbook serve` or `ui` on a port another program listens on. */
export class HttpPortTakenError extends LabbookError {
  readonly code = 'LB_HTTP_PORT_TAKEN';
  override readonly exitCode = EXIT_ENVIRONMENT;
  override readonly httpStatus = 409;
  constructor(host: string, port: number) {
    super(`port ${port} of ${host} is taken by another program: give another with --port (0: any free one)`);
  }
}

/** A run asks for more CPUs, GPUs or memory than the machine that would execute it has. */
export class ResourcesExceedMachineError extends LabbookError {
  readonly code = 'LB_RESOURCES_EXCEED_MACHINE';
  constructor(
    readonly experiment: string,
    short: readonly string[],
  ) {
    super(
      `${experiment}: each run asks for ${short.join(', ')}; nothing was changed. Ask for less under resources:, ` +
        'describe the machine (--cpus, --memory, --gpus 0,1,2,3), or run it where there is enough.',
    );
  }
}

/** A code snapshot cannot be taken: no git repository, no commit yet, or git failed. */
export class CodeSnapshotError extends LabbookError {
  readonly code = 'LB_CODE_SNAPSHOT';
}

/** A code snapshot of a working tree with uncommitted changes, without --allow-dirty. */
export class DirtyTreeError extends LabbookError {
  readonly code = 'LB_CODE_DIRTY';
  constructor(
    readonly repository: string,
    readonly files: readonly string[],
  ) {
    const shown = files.slice(0, 10).join(', ') + (files.length > 10 ? ` and ${files.length - 10} more` : '');
    super(
      `${repository} has uncommitted changes (${shown}); nothing was changed. Commit them, or take them into the ` +
        'snapshot with --allow-dirty (code: {snapshot: true, allowDirty: true}): the diff is recorded with it.',
    );
  }
}
/** A provenance entity is written once: its (kind, name, version) is taken by other content, or an annotation key has a value. */
export class EntityImmutableError extends LabbookError {
  readonly code = 'LB_ENTITY_IMMUTABLE';
  override readonly httpStatus = 409;
}

export class EntityNotFoundError extends LabbookError {
  readonly code = 'LB_ENTITY_NOT_FOUND';
  override readonly httpStatus = 404;
  constructor(readonly ref: string) {
    super(`no entity '${ref}'. Give at least 6 hex digits of its id (as 'labbook entities' shows it) or kind:name[@version].`);
  }
}

export class EntityAmbiguousError extends LabbookError {
  readonly code = 'LB_ENTITY_AMBIGUOUS';
  constructor(
    readonly ref: string,
    candidates: readonly string[],
  ) {
    super(`'${ref}' matches several entities (${candidates.join(', ')}). Give more hex digits of the id, or a version.`);
  }
}

/** An entity a request links to is not in the store (record it first, in the same batch or before). */
export class EntityLinkError extends LabbookError {
  readonly code = 'LB_ENTITY_LINK';
}

/** A malformed entity filter (docs/provenance.md, "Selecting entities"). */
export class EntityFilterError extends LabbookError {
  readonly code = 'LB_ENTITY_FILTER';
}

/** `labbook submit`, `jobs` or `cancel --jobs` where the scheduler's commands (sbatch, qsub…) are not installed. */
export class SchedulerUnavailableError extends LabbookError {
  readonly code = 'LB_SCHEDULER_UNAVAILABLE';
  override readonly exitCode = EXIT_ENVIRONMENT;
  constructor(scheduler: string, command: string) {
    super(
      `${command}: no such command here, so ${scheduler} jobs cannot be submitted or queried from this machine; ` +
        `run labbook on a machine of the cluster (a login node), or add --dry-run to print the script and the command`,
    );
  }
}

/** A scheduler's command (sbatch, squeue, scancel…) that failed: its own message says why. */
export class SchedulerCommandError extends LabbookError {
  readonly code = 'LB_SCHEDULER_FAILED';
  override readonly exitCode = EXIT_ENVIRONMENT;
  constructor(command: string, detail: string, consequence: string) {
    super(`${command} failed: ${detail || '(it printed nothing)'}; ${consequence}`);
  }
}

/** A study named that does not exist. */
export class StudyNotFoundError extends LabbookError {
  readonly code = 'LB_STUDY_NOT_FOUND';
  override readonly httpStatus = 404;
  constructor(readonly study: string) {
    super(`no study '${study}'. Create it first (labbook.create_study, or labbook tune), or check its name.`);
  }
}

/** Creating a study under a name that another study has, without asking to load it. */
export class StudyExistsError extends LabbookError {
  readonly code = 'LB_STUDY_EXISTS';
  override readonly httpStatus = 409;
  constructor(readonly study: string) {
    super(`a study named '${study}' exists already: load it (load_if_exists=True, loadIfExists: true) or choose another name`);
  }
}

/** A trial number its study does not have. */
export class TrialNotFoundError extends LabbookError {
  readonly code = 'LB_TRIAL_NOT_FOUND';
  override readonly httpStatus = 404;
  constructor(study: string, number: number) {
    super(`study '${study}' has no trial ${number}: tell and report only trials that ask() handed out`);
  }
}

/** A tell or report of a trial that was told already. */
export class TrialFinishedError extends LabbookError {
  readonly code = 'LB_TRIAL_FINISHED';
  override readonly httpStatus = 409;
  constructor(study: string, number: number, state: string) {
    super(`trial ${number} of study '${study}' is ${state} already: a trial is told once`);
  }
}

/** A PostgreSQL store that cannot be reached or logged into (after retrying with back-off, for a server that went away). */
export class StoreUnreachableError extends EnvironmentError {
  readonly code = 'LB_STORE_UNREACHABLE';
  constructor(location: string, detail: string, options?: { cause?: unknown }) {
    super(
      `the store ${location} cannot be reached (${detail}). Check that the PostgreSQL server runs and accepts this user ` +
        "(pg_isready; the URL's user, password and database), then run the command again.",
      options,
    );
  }
}
