import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import type { Executor, Queryable, QueryResult } from './sql-storage.js';

// Embedded PostgreSQL (WASM) in this process. PGlite serialises all queries on its single
// connection, and a transaction holds that connection until it ends. Durability stays at
// the default (relaxedDurability off): a write resolves only after it reached the data dir.
// One process per data dir; PGlite does not support several processes sharing it.

export interface PgliteOptions {
  /** Directory for the database files; created when missing. Omit for an in-memory database. */
  dataDir?: string;
}

// PostgreSQL's defaults size its buffers for a server of its own (shared_buffers 160 MB here).
// Our database holds small rows written one statement at a time (audit, feedback, JWT ids) and
// read by key, so small buffers cost nothing measurable and keep the WebAssembly memory, which
// never shrinks, near its fixed 128 MB floor (idle RSS after a restart: 351 MB with the defaults,
// about 225 MB with these; bench/RESULTS.md).
export const PGLITE_CONF: readonly string[] = [
  'shared_buffers = 8MB',
  'wal_buffers = 1MB',
  'work_mem = 1MB',
  'maintenance_work_mem = 4MB',
  'temp_buffers = 1MB',
];

const options = (): PGliteOptions => ({ postgresqlconf: [...PGLITE_CONF] });

// Creating a database runs initdb inside PGlite, whose WebAssembly memory (about 700 MB) this
// process would then keep for good. A short-lived child process creates it instead, so the
// service's footprint on its very first start is the same as on every later one.
const INITDB_SCRIPT = `
const [moduleUrl, dir, conf] = process.argv.slice(1);
const { PGlite } = await import(moduleUrl);
const db = await PGlite.create(dir, { postgresqlconf: JSON.parse(conf) });
await db.close();
`;

function pgliteModuleUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href.replace(/index\.cjs$/, 'index.js');
}

async function createDatabaseInChild(dir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', INITDB_SCRIPT, pgliteModuleUrl(), dir, JSON.stringify(PGLITE_CONF)],
      { timeout: 120_000, maxBuffer: 1024 * 1024 },
      (err, _stdout, stderr) => (err ? reject(new Error(`creating the embedded database failed: ${stderr.slice(0, 500) || err.message}`)) : resolve()),
    );
  });
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Executor> {
  let db: PGlite;
  if (opts.dataDir === undefined) {
    db = await PGlite.create(options());
  } else {
    await mkdir(opts.dataDir, { recursive: true });
    if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) await createDatabaseInChild(opts.dataDir);
    db = await PGlite.create(opts.dataDir, options());
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
