import pg from 'pg';
import type { Executor, Queryable, QueryResult } from './executor.js';

export interface PostgresOptions {
  databaseUrl: string;
  /** Schema holding our tables; created when missing and put on every connection's search_path. */
  pgSchema?: string;
  /** Errors of idle pooled connections (server restart, network). Without it they are dropped. */
  onPoolError?: (err: Error) => void;
  /** PostgreSQL ends a session left idle inside a transaction this long (DB_TRANSACTION_TIMEOUT_MS). */
  transactionTimeoutMs?: number;
}

// Timeouts keep a slow or unreachable database from holding a hook call past its deadline:
// the caller degrades (no audit, 503 on auth replay check) instead of hanging.
const CONNECT_TIMEOUT_MS = 2000;
const STATEMENT_TIMEOUT_MS = 5000;
const IDLE_TIMEOUT_MS = 30_000;
const POOL_MAX = 10;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `name` is a plain lower-case SQL identifier (so it needs no quoting anywhere). */
export function validateSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
  }
  return name;
}

export async function openPostgres(opts: PostgresOptions): Promise<Executor> {
  const schema = opts.pgSchema === undefined || opts.pgSchema === '' ? undefined : validateSchemaName(opts.pgSchema);
  const pool = new pg.Pool({
    connectionString: withSearchPath(opts.databaseUrl, schema),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    ...(opts.transactionTimeoutMs !== undefined ? { idle_in_transaction_session_timeout: opts.transactionTimeoutMs } : {}),
    max: POOL_MAX,
  });
  // An idle client's error is re-emitted on the pool; unhandled, it would crash the process.
  pool.on('error', (err) => opts.onPoolError?.(err));
  const executor = new PgExecutor(pool);
  if (schema !== undefined) {
    try {
      await pool.query(`create schema if not exists ${schema}`);
    } catch (err) {
      // Two processes creating the schema at once: one loses with a duplicate error.
      const code = (err as { code?: string }).code;
      if (code !== '42P06' && code !== '23505') {
        await executor.close();
        throw err;
      }
    }
  }
  return executor;
}

// pg lets parameters inside the connection string override the config object, so the
// search_path goes into the URL's `options` parameter, appended to any options already there.
function withSearchPath(databaseUrl: string, schema: string | undefined): string {
  if (schema === undefined) return databaseUrl;
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('DATABASE_URL must be a postgres:// URL when a schema is configured');
  }
  const existing = url.searchParams.get('options');
  const setting = `-c search_path=${schema}`;
  url.searchParams.set('options', existing ? `${existing} ${setting}` : setting);
  return url.toString();
}

function result<R>(r: pg.QueryResult): QueryResult<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
}

function wrap(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      return result<R>(await target.query(sql, params));
    },
    async exec(sql: string): Promise<void> {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await target.query(sql);
    },
  };
}

class PgExecutor implements Executor {
  private readonly q: Queryable;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {
    this.q = wrap(pool);
  }

  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.q.query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.q.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    let broken: Error | undefined;
    try {
      try {
        const out = await fn(wrap(client));
        await client.query('commit');
        return out;
      } catch (err) {
        try {
          await client.query('rollback');
        } catch (rollbackErr) {
          // The connection is unusable; make the pool discard it rather than reuse it.
          broken = rollbackErr as Error;
        }
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
