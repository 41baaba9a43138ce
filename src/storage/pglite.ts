import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Executor, Queryable, QueryResult } from './executor.js';
import type { ThreadOptions, ThreadReply, ThreadRequest } from './pglite-protocol.js';

// Embedded PostgreSQL (WASM) in this process, on a thread of its own (below). PGlite serialises all
// queries on its single connection, and a transaction holds that connection until it ends. Durability stays at
// the default (relaxedDurability off): a write resolves only after it reached the data dir.
// One process per data dir; PGlite does not support several processes sharing it.

export interface PgliteOptions {
  /** Directory for the database files; created when missing. Omit for an in-memory database. */
  dataDir?: string;
  /**
   * A transaction still open after this long is rolled back on the thread, so a caller stuck
   * inside one cannot hold the only connection (DB_TRANSACTION_TIMEOUT_MS).
   */
  transactionTimeoutMs?: number;
}

export const DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;

// PostgreSQL's defaults size its buffers for a server of its own. Our database holds small rows
// written one statement at a time (audit, feedback, JWT ids) and read by key, so small buffers cost
// nothing and keep the WebAssembly memory, which never shrinks, near its fixed floor.
export const PGLITE_CONF: readonly string[] = [
  'shared_buffers = 8MB',
  'wal_buffers = 1MB',
  'work_mem = 1MB',
  'maintenance_work_mem = 4MB',
  'temp_buffers = 1MB',
];

// Creating a database runs initdb inside PGlite, whose WebAssembly memory (several hundred MB) this
// process would then keep for good. A short-lived child process creates it instead, so the
// service's footprint on its very first start is the same as on every later one.
async function createDatabaseInChild(dir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [fileURLToPath(new URL('./pglite-create.js', import.meta.url)), dir, JSON.stringify(PGLITE_CONF)],
      { timeout: 120_000, maxBuffer: 1024 * 1024 },
      (err, _stdout, stderr) => (err ? reject(new Error(`creating the embedded database failed: ${stderr.slice(0, 500) || err.message}`)) : resolve()),
    );
  });
}

// The database runs on a thread of its own (pglite-thread.js): a statement runs synchronously
// wherever PGlite lives, and on the event loop every audit batch would hold up the hook calls
// behind it. The thread is a plain JavaScript file beside this one, in src/ and in dist/ alike.
const THREAD_FILE = new URL('./pglite-thread.js', import.meta.url);

/** A database error from the thread, with PostgreSQL's SQLSTATE when there is one. */
export class EmbeddedDatabaseError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'EmbeddedDatabaseError';
  }
}

async function startThread(dataDir: string | undefined, transactionTimeoutMs: number): Promise<Worker> {
  const workerData: ThreadOptions = { dataDir, conf: [...PGLITE_CONF], transactionTimeoutMs };
  const worker = new Worker(THREAD_FILE, {
    workerData,
    // The thread's own output is PGlite's notices; the service's log carries what matters.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  try {
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: ThreadReply) => {
        if (m.id !== 0) return;
        cleanup();
        if (m.ok) resolve();
        else reject(new Error(`opening the embedded database failed: ${m.error?.message ?? 'unknown error'}`));
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`the embedded database thread exited during start-up (code ${code})`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return worker;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Executor> {
  if (opts.dataDir !== undefined) {
    await mkdir(opts.dataDir, { recursive: true });
    if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) await createDatabaseInChild(opts.dataDir);
  }
  return new PgliteThreadExecutor(await startThread(opts.dataDir, opts.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS));
}

/** The service's side of the database thread: every call is a message, answered in order of completion. */
export class PgliteThreadExecutor implements Executor {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: ThreadReply): void; reject(e: Error): void }>();
  private stopped: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: ThreadReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.refWhileBusy();
      p.resolve(m);
    });
    // A thread that dies takes the database with it: every waiting call fails, and so does every
    // later one (feedback answers 503, /readyz reports the database down) rather than hanging.
    const fail = (err: Error) => {
      this.stopped ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new Error(`the embedded database thread failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`the embedded database thread has stopped (exit code ${code})`)));
    worker.unref();
  }

  /** Keeps the process alive while a call is waiting for the thread, and only then. */
  private refWhileBusy(): void {
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private async call(request: ThreadRequest): Promise<ThreadReply> {
    if (this.stopped) throw this.stopped;
    const id = this.nextId++;
    const reply = await new Promise<ThreadReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.refWhileBusy();
      this.worker.postMessage({ id, ...request });
    });
    if (!reply.ok) throw new EmbeddedDatabaseError(reply.error?.message ?? 'embedded database error', reply.error?.code);
    return reply;
  }

  private queryable(tx?: number): Queryable {
    const on = tx === undefined ? {} : { tx };
    return {
      query: async <R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => {
        const r = await this.call({ op: 'query', sql, ...(params !== undefined ? { params } : {}), ...on });
        return { rows: (r.rows ?? []) as R[], rowCount: r.rowCount ?? 0 };
      },
      exec: async (sql: string): Promise<void> => {
        await this.call({ op: 'exec', sql, ...on });
      },
    };
  }

  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.queryable().query<R>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.queryable().exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const { tx } = await this.call({ op: 'begin' });
    if (tx === undefined) throw new EmbeddedDatabaseError('the embedded database opened no transaction');
    let result: T;
    try {
      result = await fn(this.queryable(tx));
    } catch (err) {
      // Rolled back on the thread; a failed rollback must not hide why it was needed.
      await this.call({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw err;
    }
    await this.call({ op: 'end', tx, commit: true });
    return result;
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.call({ op: 'close' });
    } finally {
      this.stopped = new Error('the embedded database is closed');
      await this.worker.terminate();
    }
  }

  /** Fault tests only: the thread ends abruptly, as a crash of the database would end it. */
  async terminateThread(): Promise<void> {
    await this.worker.terminate();
  }
}
