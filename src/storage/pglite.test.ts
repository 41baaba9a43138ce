import { openPglite, EmbeddedDatabaseError, PgliteThreadExecutor } from './pglite.js';
import { SqlStorage } from './sql-storage.js';
import type { Executor } from './executor.js';

// The embedded database's thread (pglite.ts): what the rest of the service relies on, shown through
// the same Executor interface it uses. The storage behaviour itself is in storage.test.ts.

let db: Executor;

beforeAll(async () => {
  db = await openPglite();
  await db.exec('create table t (k integer primary key, v text)');
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.exec('delete from t');
});

/** Longest gap between timer ticks of this thread while `work` runs. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return longest;
}

test('a long statement runs off this thread: its timers keep firing meanwhile', async () => {
  const started = performance.now();
  const stall = await longestStall(() => db.query('select count(*) from generate_series(1, 2000000) a cross join generate_series(1, 2) b'));
  const took = performance.now() - started;
  // Only meaningful if the statement took long enough to have blocked a timer.
  expect(took).toBeGreaterThan(200);
  expect(stall).toBeLessThan(100);
});

test('rows come back with their types (numbers, text, Date, JSON)', async () => {
  await db.query('insert into t (k, v) values ($1, $2)', [1, 'one']);
  const r = await db.query<{ k: number; v: string; at: Date; j: unknown }>(
    `select k, v, timestamptz '2026-01-02T03:04:05Z' as at, '{"a":[1,2]}'::jsonb as j from t`,
  );
  expect(r.rows).toEqual([{ k: 1, v: 'one', at: new Date('2026-01-02T03:04:05Z'), j: { a: [1, 2] } }]);
  await expect(db.query('update t set v = $1', ['uno'])).resolves.toEqual({ rows: [], rowCount: 1 });
});

test("a database error keeps PostgreSQL's SQLSTATE", async () => {
  await db.query('insert into t (k) values (1)');
  const err: unknown = await db.query('insert into t (k) values (1)').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EmbeddedDatabaseError);
  expect(err).toMatchObject({ code: '23505' });
});

test('a transaction keeps other statements out until it commits', async () => {
  const order: string[] = [];
  let outside: Promise<unknown> | undefined;
  await db.transaction(async (tx) => {
    await tx.query('insert into t (k, v) values (1, $1)', ['in tx']);
    // Sent while the transaction is open: it waits for the commit, and then sees the row.
    outside = db.query<{ n: number }>('select count(*)::int as n from t').then((r) => {
      order.push(`outside saw ${r.rows[0]?.n}`);
    });
    await new Promise((r) => setTimeout(r, 50));
    await tx.query('insert into t (k, v) values (2, $1)', ['in tx']);
    order.push('tx done');
  });
  await outside;
  expect(order).toEqual(['tx done', 'outside saw 2']);
});

test('a transaction whose function throws is rolled back, and the error is the function’s', async () => {
  await expect(
    db.transaction(async (tx) => {
      await tx.query('insert into t (k) values (7)');
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  await expect(db.query('select * from t')).resolves.toMatchObject({ rows: [] });
  // The connection is free again.
  await expect(db.query('insert into t (k) values (8)')).resolves.toMatchObject({ rowCount: 1 });
});

test('a failing statement inside a transaction rolls back all of it', async () => {
  await db.query('insert into t (k) values (1)');
  await expect(
    db.transaction(async (tx) => {
      await tx.query('insert into t (k) values (2)');
      await tx.query('insert into t (k) values (1)');
    }),
  ).rejects.toMatchObject({ code: '23505' });
  await expect(db.query<{ k: number }>('select k from t order by k')).resolves.toMatchObject({ rows: [{ k: 1 }] });
});

describe('a transaction past its deadline', () => {
  let short: Executor;
  beforeAll(async () => {
    short = await openPglite({ transactionTimeoutMs: 300 });
    await short.exec('create table t (k integer primary key)');
  });
  afterAll(async () => {
    await short.close();
  });

  test('is rolled back and frees the only connection while its caller is still stuck', async () => {
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    const held = short.transaction(async (tx) => {
      await tx.query('insert into t (k) values (1)');
      await stuck;
      await tx.query('insert into t (k) values (2)');
    });
    const started = performance.now();
    // Sent while the transaction holds the connection: answered once the deadline has passed.
    await expect(short.query<{ n: number }>('select count(*)::int as n from t')).resolves.toMatchObject({ rows: [{ n: 0 }] });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(250);
    expect(waited).toBeLessThan(2000);
    release();
    // The late caller learns its transaction is gone (SQLSTATE 25P03), and nothing of it stayed.
    await expect(held).rejects.toMatchObject({ name: 'EmbeddedDatabaseError', code: '25P03' });
    await expect(short.query('select * from t')).resolves.toMatchObject({ rows: [] });
  });

  test('a transaction that ends in time commits as usual', async () => {
    await short.transaction(async (tx) => {
      await tx.query('insert into t (k) values (3)');
      await new Promise((r) => setTimeout(r, 100));
    });
    await expect(short.query('select k from t')).resolves.toMatchObject({ rows: [{ k: 3 }] });
  });
});

test('when the thread dies, the waiting call and every later one fail at once, and ping says false', async () => {
  const own = await openPglite();
  const storage = new SqlStorage(own);
  await expect(storage.ping()).resolves.toBe(true);
  const waiting = own.query('select count(*) from generate_series(1, 3000000)');
  await (own as PgliteThreadExecutor).terminateThread();
  await expect(waiting).rejects.toThrow(/embedded database thread has stopped/);
  const started = performance.now();
  await expect(own.query('select 1')).rejects.toThrow(/embedded database thread has stopped/);
  await expect(storage.ping()).resolves.toBe(false);
  expect(performance.now() - started).toBeLessThan(500);
  await expect(own.close()).resolves.toBeUndefined();
});

test('after close, calls fail instead of hanging', async () => {
  const own = await openPglite();
  await own.close();
  await expect(own.query('select 1')).rejects.toThrow(/closed/);
  await expect(own.close()).resolves.toBeUndefined();
});
