import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Executor, Queryable, QueryResult } from './sql-storage.js';

// Embedded PostgreSQL (WASM) in this process. PGlite serialises all queries on its single
// connection, and a transaction holds that connection until it ends. Durability stays at
// the default (relaxedDurability off): a write resolves only after it reached the data dir.
// One process per data dir; PGlite does not support several processes sharing it.

export interface PgliteOptions {
  /** Directory for the database files; created when missing. Omit for an in-memory database. */
  dataDir?: string;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Executor> {
  let db: PGlite;
  if (opts.dataDir === undefined) {
    db = await PGlite.create();
  } else {
    await mkdir(opts.dataDir, { recursive: true });
    db = await PGlite.create(opts.dataDir);
  }
  return new PgliteExecutor(db);
}

type PgliteLike = Pick<PGlite | Transaction, 'query' | 'exec'>;

function wrap(target: PgliteLike): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await target.query<R>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

class PgliteExecutor implements Executor {
  private readonly q: Queryable;

  constructor(private readonly db: PGlite) {
    this.q = wrap(db);
  }

  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.q.query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.q.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(wrap(tx)));
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
