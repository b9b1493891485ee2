import pg from 'pg';

/*
 * The one file that knows the PostgreSQL driver (`pg`). Statements are written with `?`
 * placeholders as the SQLite ones and the query compiler's fragments are; they become
 * `$1, $2, …` here. BIGINT and NUMERIC come back as JS numbers: every BIGINT labbook stores
 * (ids, epoch milliseconds, counts) is far below 2^53.
 */

const INT8 = 20;
const NUMERIC = 1700;
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Runs statements: the pool (each on any connection) or one transaction's connection. */
export interface PgSession {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The rows as arrays of values in column order, not objects. */
  arrays<T extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The first row, undefined when there is none. */
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs statements that take no parameters, as written (a migration). */
  script(sql: string): Promise<void>;
}

/** SQLSTATEs and socket errors after which the same work, run again on a new connection, may succeed. */
const TRANSIENT = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown (a server restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT.has(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test((error as Error)?.message ?? '');
}

/** `?` placeholders as `$n`, leaving quoted strings and identifiers alone. */
export function numbered(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop + 1);
      i = stop;
    } else out += c === '?' ? `$${++n}` : c;
  }
  return out;
}

class QuerySession implements PgSession {
  constructor(private readonly target: pg.Pool | pg.PoolClient) {}

  async all<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this.target.query(numbered(sql), params ? [...params] : [])).rows as T[];
  }
  async arrays<T extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this.target.query({ text: numbered(sql), values: params ? [...params] : [], rowMode: 'array' })).rows as T[];
  }
  async get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params?: readonly unknown[]): Promise<number> {
    return (await this.target.query(numbered(sql), params ? [...params] : [])).rowCount ?? 0;
  }
  async script(sql: string): Promise<void> {
    await this.target.query(sql);
  }
}

export interface PgDatabaseOptions {
  /** The schema every connection works in (search_path); tests give each store its own. */
  schema?: string;
  max?: number;
  /** How long work waits, in all, for a server that went away before it fails. */
  reconnectForMs?: number;
}

/**
 * A pool of connections to one database. A broken connection (a server restart) is dropped
 * by the pool, and what failed on it runs again on a new one, with back-off, for up to
 * `reconnectForMs` (see `transaction`); a transaction never half applies.
 */
export class PgDatabase implements PgSession {
  readonly pool: pg.Pool;
  private readonly session: QuerySession;
  private readonly reconnectForMs: number;

  constructor(
    readonly url: string,
    options: PgDatabaseOptions = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 4,
      types: TYPES,
      application_name: 'labbook',
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle connection the server dropped: the pool discards it; nothing else to do.
    this.pool.on('error', () => {});
    this.session = new QuerySession(this.pool);
    this.reconnectForMs = options.reconnectForMs ?? 60_000;
  }

  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.retrying(() => this.session.all<T>(sql, params));
  }
  arrays<T extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.retrying(() => this.session.arrays<T>(sql, params));
  }
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return this.retrying(() => this.session.get<T>(sql, params));
  }
  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.retrying(() => this.session.run(sql, params));
  }
  script(sql: string): Promise<void> {
    return this.retrying(() => this.session.script(sql));
  }

  /**
   * Runs `work` in one transaction (READ COMMITTED), committed when it returns, rolled back when
   * it throws. Work that meets a lost connection runs again (unless `once`: work that consumes
   * its input as it goes): every write of the store is fenced or idempotent, so work whose
   * commit was sent but never acknowledged, run again, changes nothing twice.
   */
  transaction<T>(work: (tx: PgSession) => Promise<T>, options: { once?: boolean } = {}): Promise<T> {
    const attempt = async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(new QuerySession(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        broken = isTransient(error);
        if (!broken) await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release(broken);
      }
    };
    return options.once ? attempt() : this.retrying(attempt);
  }

  /** One connection of its own, outside the pool (LISTEN needs one that stays). */
  async connectAlone(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, types: TYPES, application_name: 'labbook-listen' });
    await client.connect();
    return client;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.reconnectForMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await work();
      } catch (error) {
        if (!isTransient(error) || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
