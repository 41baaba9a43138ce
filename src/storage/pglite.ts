import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Executor, Queryable, QueryResult } from './sql-storage.js';

// Embedded PostgreSQL (WASM) in this process, on a thread of its own (below). PGlite serialises all
// queries on its single connection, and a transaction holds that connection until it ends. Durability stays at
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

// The database runs on a thread of its own. PGlite is PostgreSQL compiled to WebAssembly, and a
// statement runs synchronously wherever PGlite lives: on the event loop, every audit batch held up
// every hook call behind it (up to 38 ms for one statement, file-backed) and its work was charged to
// the thread that answers requests. Measured side by side under the heavy patient at saturation,
// the same process answered 5-18 % more calls (the spread is the host's) with the audit writes
// taken off its main thread, for about 10 MB more resident memory (the thread's own heap). The thread owns the PGlite instance; this side only posts SQL and parameters
// and gets rows back (structured clone keeps Dates, numbers and JSON values as PGlite returns them).
// A transaction is PGlite's own, opened on the thread and held there until this side ends it, so
// PGlite's lock still keeps other statements out of it.
const THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const transactions = new Map();
let nextTx = 1;
let db;
const reply = (id, body) => parentPort.postMessage({ id, ...body });
const failure = (err) => ({ ok: false, error: { message: String((err && err.message) || err), code: err && typeof err.code === 'string' ? err.code : undefined } });
const target = (tx) => (tx === undefined ? db : transactions.get(tx)?.tx);
async function handle(m) {
  if (m.op === 'begin') {
    const tx = nextTx++;
    let ended;
    const end = new Promise((resolve) => { ended = resolve; });
    let opened;
    const open = new Promise((resolve) => { opened = resolve; });
    const done = db.transaction(async (t) => {
      transactions.set(tx, { tx: t, ended });
      opened();
      if (!(await end)) throw ROLLBACK;
    }).then(() => ({ ok: true }), (err) => (err === ROLLBACK ? { ok: true } : failure(err))).finally(() => transactions.delete(tx));
    await Promise.race([open, done]);
    if (!transactions.has(tx)) return reply(m.id, await done);
    transactions.get(tx).done = done;
    return reply(m.id, { ok: true, tx });
  }
  if (m.op === 'end') {
    const t = transactions.get(m.tx);
    if (!t) return reply(m.id, { ok: false, error: { message: 'transaction already ended' } });
    t.ended(m.commit);
    return reply(m.id, await t.done);
  }
  if (m.op === 'close') {
    if (!db.closed) await db.close();
    return reply(m.id, { ok: true });
  }
  const on = target(m.tx);
  if (!on) return reply(m.id, { ok: false, error: { message: 'transaction already ended' } });
  if (m.op === 'exec') {
    await on.exec(m.sql);
    return reply(m.id, { ok: true, rows: [], rowCount: 0 });
  }
  const r = await on.query(m.sql, m.params);
  return reply(m.id, { ok: true, rows: r.rows, rowCount: r.affectedRows ?? 0 });
}
const ROLLBACK = Symbol('rollback');
(async () => {
  try {
    const { PGlite } = await import(workerData.moduleUrl);
    const options = { postgresqlconf: workerData.conf };
    db = workerData.dataDir === undefined ? await PGlite.create(options) : await PGlite.create(workerData.dataDir, options);
    // Opening leaves about 15 MB of garbage (the file-system bundle, compiling the WebAssembly) that
    // this thread, idle between audit batches, would keep as committed heap for a long time: one full
    // collection now gives it back (thread heap 46 -> 32 MB). gc() is exposed just for this call.
    const v8 = require('node:v8');
    v8.setFlagsFromString('--expose-gc');
    const collect = require('node:vm').runInNewContext('gc');
    v8.setFlagsFromString('--no-expose-gc');
    collect();
  } catch (err) {
    parentPort.postMessage({ id: 0, ...failure(err) });
    return;
  }
  parentPort.on('message', (m) => handle(m).catch((err) => reply(m.id, failure(err))));
  parentPort.postMessage({ id: 0, ok: true });
})();
`;

interface Reply {
  id: number;
  ok: boolean;
  rows?: unknown[];
  rowCount?: number;
  tx?: number;
  error?: { message: string; code?: string };
}

type Request = { op: 'query'; sql: string; params?: unknown[]; tx?: number } | { op: 'exec'; sql: string; tx?: number } | { op: 'begin' } | { op: 'end'; tx: number; commit: boolean } | { op: 'close' };

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

async function startThread(dataDir: string | undefined): Promise<Worker> {
  const worker = new Worker(THREAD_SCRIPT, {
    eval: true,
    workerData: { moduleUrl: pgliteModuleUrl(), dataDir, conf: [...PGLITE_CONF] },
    // The thread's own output is PGlite's notices; the service's log carries what matters.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  try {
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: Reply) => {
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
  return new PgliteThreadExecutor(await startThread(opts.dataDir));
}

/** The service's side of the database thread: every call is a message, answered in order of completion. */
export class PgliteThreadExecutor implements Executor {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  private stopped: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
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

  private async call(request: Request): Promise<Reply> {
    if (this.stopped) throw this.stopped;
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
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
