// The embedded database's thread. PGlite is PostgreSQL compiled to WebAssembly and runs a statement
// synchronously wherever it lives, so it lives here rather than on the thread that answers
// requests. This thread owns the PGlite instance; the service (pglite.ts) posts SQL and parameters
// and gets rows back (structured clone keeps Dates, numbers and JSON values as PGlite returns them).
//
// Plain JavaScript, type-checked through JSDoc (tsconfig checkJs): node runs it as it is, from src/
// under the tests and from dist/ in production, with no build step in between.
/** @import { Transaction } from '@electric-sql/pglite' */
/** @import { ThreadMessage, ThreadOptions, ThreadReply } from './pglite-protocol.js' */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** SQLSTATE 25P03 (idle_in_transaction_session_timeout): what PostgreSQL reports for the same case. */
const TRANSACTION_TIMEOUT_SQLSTATE = '25P03';

/**
 * An open transaction: PGlite's own, held open on this thread until the service ends it, so PGlite's
 * lock keeps every other statement out meanwhile. That is why it has a deadline.
 * @typedef {{ tx: Transaction; end: (commit: boolean) => void; done?: Promise<Omit<ThreadReply, 'id'>>; timer: NodeJS.Timeout }} OpenTransaction
 */

const ROLLBACK = new Error('rollback');

/**
 * @param {unknown} err
 * @returns {Omit<ThreadReply, 'id'>}
 */
function failure(err) {
  const e = /** @type {{ message?: unknown; code?: unknown } | null | undefined} */ (err);
  return {
    ok: false,
    error: {
      message: typeof e?.message === 'string' ? e.message : String(err),
      ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    },
  };
}

/** The service side of this thread, ready once the database is open. */
class DatabaseThread {
  /** @type {Map<number, OpenTransaction>} */
  #transactions = new Map();
  #nextTx = 1;
  /** @type {Set<number>} */
  #timedOut = new Set();

  /**
   * @param {PGlite} db
   * @param {number} transactionTimeoutMs
   */
  constructor(db, transactionTimeoutMs) {
    this.db = db;
    this.transactionTimeoutMs = transactionTimeoutMs;
  }

  /**
   * @param {ThreadMessage} m
   * @returns {Promise<Omit<ThreadReply, 'id'>>}
   */
  async handle(m) {
    switch (m.op) {
      case 'begin':
        return this.#begin();
      case 'end':
        return this.#end(m.tx, m.commit);
      case 'close':
        for (const t of this.#transactions.values()) t.end(false);
        if (!this.db.closed) await this.db.close();
        return { ok: true };
      case 'exec': {
        const on = this.#target(m.tx);
        if (!on.ok) return on.reply;
        await on.target.exec(m.sql);
        return { ok: true, rows: [], rowCount: 0 };
      }
      case 'query': {
        const on = this.#target(m.tx);
        if (!on.ok) return on.reply;
        const r = await on.target.query(m.sql, m.params);
        return { ok: true, rows: r.rows, rowCount: r.affectedRows ?? 0 };
      }
    }
  }

  /** @returns {Promise<Omit<ThreadReply, 'id'>>} */
  async #begin() {
    const tx = this.#nextTx++;
    /** @type {(value: boolean) => void} */
    let endWith = () => undefined;
    const ended = new Promise((resolve) => (endWith = resolve));
    /** @type {() => void} */
    let opened = () => undefined;
    const open = new Promise((resolve) => (opened = () => resolve(undefined)));
    const done = this.db
      .transaction(async (t) => {
        const timer = setTimeout(() => this.#expire(tx), this.transactionTimeoutMs);
        timer.unref();
        this.#transactions.set(tx, { tx: t, end: endWith, timer });
        opened();
        if (!(await ended)) throw ROLLBACK;
      })
      .then(
        () => ({ ok: true }),
        (err) => (err === ROLLBACK ? { ok: true } : failure(err)),
      )
      .finally(() => {
        const t = this.#transactions.get(tx);
        if (t) clearTimeout(t.timer);
        this.#transactions.delete(tx);
      });
    await Promise.race([open, done]);
    const t = this.#transactions.get(tx);
    if (!t) return done;
    t.done = done;
    return { ok: true, tx };
  }

  /** A transaction past its deadline is rolled back, so the only connection is free again. */
  #expire(/** @type {number} */ tx) {
    const t = this.#transactions.get(tx);
    if (!t) return;
    this.#timedOut.add(tx);
    t.end(false);
  }

  /** @returns {Omit<ThreadReply, 'id'>} */
  #timeoutReply(/** @type {number} */ tx) {
    this.#timedOut.delete(tx);
    return {
      ok: false,
      error: { message: `transaction rolled back: open longer than ${this.transactionTimeoutMs} ms`, code: TRANSACTION_TIMEOUT_SQLSTATE },
    };
  }

  /**
   * @param {number} tx
   * @param {boolean} commit
   * @returns {Promise<Omit<ThreadReply, 'id'>>}
   */
  async #end(tx, commit) {
    const t = this.#transactions.get(tx);
    if (!t || !t.done) return this.#timedOut.has(tx) ? this.#timeoutReply(tx) : { ok: false, error: { message: 'transaction already ended' } };
    t.end(commit);
    const reply = await t.done;
    return this.#timedOut.has(tx) ? this.#timeoutReply(tx) : reply;
  }

  /**
   * @param {number | undefined} tx
   * @returns {{ ok: true; target: PGlite | Transaction } | { ok: false; reply: Omit<ThreadReply, 'id'> }}
   */
  #target(tx) {
    if (tx === undefined) return { ok: true, target: this.db };
    const t = this.#transactions.get(tx);
    if (t) return { ok: true, target: t.tx };
    if (this.#timedOut.has(tx)) return { ok: false, reply: this.#timeoutReply(tx) };
    return { ok: false, reply: { ok: false, error: { message: 'transaction already ended' } } };
  }
}

async function main() {
  const port = parentPort;
  if (!port) throw new Error('pglite-thread.js runs as a worker thread only');
  /** @type {unknown} */
  const data = workerData;
  const options = /** @type {ThreadOptions} */ (data);
  /** @type {DatabaseThread} */
  let thread;
  try {
    const pgliteOptions = { postgresqlconf: options.conf };
    const db = options.dataDir === undefined ? await PGlite.create(pgliteOptions) : await PGlite.create(options.dataDir, pgliteOptions);
    thread = new DatabaseThread(db, options.transactionTimeoutMs);
  } catch (err) {
    port.postMessage({ id: 0, ...failure(err) });
    return;
  }
  port.on('message', (/** @type {ThreadMessage} */ m) => {
    void thread.handle(m).then(
      (reply) => port.postMessage({ id: m.id, ...reply }),
      (err) => port.postMessage({ id: m.id, ...failure(err) }),
    );
  });
  port.postMessage({ id: 0, ok: true });
}

await main();
