import { randomUUID } from 'node:crypto';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import pg from 'pg';
import { AuditWriter, isRecordError } from './audit-writer.js';
import { createStorage } from './index.js';
import type { AuditRecord, Storage } from './types.js';

// The writer against a real (in-memory PGlite) database. The storage is wrapped only to record
// which batches reached it and, for the outage case, to fail the way a lost connection does.

function record(hookInstance: string): AuditRecord {
  return {
    at: new Date('2026-12-01T10:00:00.000Z'),
    serviceId: 'heme-patient-view',
    hook: 'patient-view',
    hookInstance,
    patientPseudonym: 'p'.repeat(32),
    cards: [{ uuid: randomUUID(), ruleId: 'stage-iss', topicCode: 'stage-iss', indicator: 'info' }],
    prefetchFromClient: ['patient'],
    prefetchFetched: [],
    prefetchUnavailable: [],
    durationsMs: { total: 1 },
    outcome: 'ok',
    httpStatus: 200,
  };
}

async function counter(metrics: ReturnType<typeof createMetrics>, outcome: string): Promise<number> {
  const m = await metrics.auditWrites.get();
  return m.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

describe('AuditWriter', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await createStorage({ dataDir: '/nonexistent', memory: true });
  });
  afterAll(async () => {
    await storage.close();
  });

  test('without a wait, records queued while a write runs go out together in the next statement', async () => {
    const hookInstance = randomUUID();
    const [first, ...rest] = Array.from({ length: 21 }, () => record(hookInstance)) as [AuditRecord, ...AuditRecord[]];
    const batches: number[] = [];
    const recording = {
      writeAudits: (rs: AuditRecord[]) => {
        batches.push(rs.length);
        if (batches.length === 1) for (const r of rest) writer.enqueue(r); // arrive during the first write
        return storage.writeAudits(rs);
      },
    };
    const metrics = createMetrics();
    const writer = new AuditWriter(recording, metrics, createLogger('silent'), { flushDelayMs: 0 });
    writer.enqueue(first);
    await expect(writer.drain(5000)).resolves.toBe(true);
    expect(batches).toEqual([1, 20]);
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual([first, ...rest]);
    expect(await counter(metrics, 'ok')).toBe(21);
  });

  test('a write waits for company: records arriving within the delay share one statement; a full batch goes at once', async () => {
    const batches: number[] = [];
    const recording = { writeAudits: (rs: AuditRecord[]) => (batches.push(rs.length), storage.writeAudits(rs)) };
    const writer = new AuditWriter(recording, createMetrics(), createLogger('silent'), { flushDelayMs: 60_000, maxBatch: 4 });
    const hookInstance = randomUUID();
    const records = Array.from({ length: 6 }, () => record(hookInstance));
    writer.enqueue(records[0]!);
    writer.enqueue(records[1]!);
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([]); // still waiting (the delay is a minute)
    writer.enqueue(records[2]!);
    writer.enqueue(records[3]!); // a full batch: written without waiting out the delay
    await new Promise((r) => setTimeout(r, 200));
    expect(batches).toEqual([4]);
    writer.enqueue(records[4]!);
    writer.enqueue(records[5]!);
    // drain writes the rest at once instead of waiting for company.
    await expect(writer.drain(5000)).resolves.toBe(true);
    expect(batches).toEqual([4, 2]);
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual(records);
  });

  test('a failed batch is retried whole, and nothing is lost or written twice', async () => {
    let failures = 1;
    const flaky = {
      writeAudits: (rs: AuditRecord[]) => (failures-- > 0 ? Promise.reject(new Error('connection lost')) : storage.writeAudits(rs)),
    };
    const metrics = createMetrics();
    const writer = new AuditWriter(flaky, metrics, createLogger('silent'), { flushDelayMs: 5 });
    const hookInstance = randomUUID();
    const records = Array.from({ length: 5 }, () => record(hookInstance));
    for (const r of records) writer.enqueue(r);
    await expect(writer.drain(5000)).resolves.toBe(true);
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual(records);
    expect(await counter(metrics, 'retry')).toBe(1);
    expect(await counter(metrics, 'ok')).toBe(5);
  });

  test('a full queue drops its oldest record that is not being written, and counts it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let started: () => void = () => undefined;
    const writing = new Promise<void>((r) => (started = r));
    const slow = { writeAudits: async (rs: AuditRecord[]) => (started(), await gate, storage.writeAudits(rs)) };
    const metrics = createMetrics();
    const writer = new AuditWriter(slow, metrics, createLogger('silent'), { maxQueue: 3, flushDelayMs: 0 });
    const hookInstance = randomUUID();
    const [first, second, third, fourth] = Array.from({ length: 4 }, () => record(hookInstance)) as [AuditRecord, AuditRecord, AuditRecord, AuditRecord];
    writer.enqueue(first);
    await writing; // `first` is in flight from here on
    writer.enqueue(second);
    writer.enqueue(third);
    writer.enqueue(fourth); // queue full: `second` goes, not the record being written
    release();
    await expect(writer.drain(5000)).resolves.toBe(true);
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual([first, third, fourth]);
    expect(await counter(metrics, 'dropped')).toBe(1);
  });
});

// Issue 13 item 2: a record the database cannot store must not stop the audit. Runs on PGlite and,
// when DATABASE_URL is set, on PostgreSQL (a schema of its own, dropped afterwards).
const backends: [string, () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>][] = [
  ['pglite', async () => {
    const s = await createStorage({ dataDir: '/nonexistent', memory: true });
    return { storage: s, cleanup: () => s.close() };
  }],
];
if (process.env.DATABASE_URL) {
  const databaseUrl = process.env.DATABASE_URL;
  backends.push(['postgres', async () => {
    const schema = `heme_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const s = await createStorage({ databaseUrl, dataDir: '/nonexistent', pgSchema: schema });
    return {
      storage: s,
      cleanup: async () => {
        await s.close();
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          await client.query(`drop schema if exists ${schema} cascade`);
        } finally {
          await client.end();
        }
      },
    };
  }]);
}

describe.each(backends)('AuditWriter with records the database refuses (%s)', (_name, open) => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, cleanup } = await open());
  });
  afterAll(async () => {
    await cleanup();
  });

  test.each([
    ['a lone surrogate', '\ud800'],
    ['a NUL', 'a\u0000b'],
  ])('a record with %s is set aside and counted; the records around it are written', async (_what, poison) => {
    const hookInstance = randomUUID();
    const good = Array.from({ length: 4 }, () => record(hookInstance));
    const bad = { ...record(hookInstance), hookInstance: poison };
    await expect(storage.writeAudits([bad])).rejects.toMatchObject({ code: expect.stringMatching(/^22/) as unknown });
    const metrics = createMetrics();
    const writer = new AuditWriter(storage, metrics, createLogger('silent'), { flushDelayMs: 5 });
    writer.enqueue(good[0]!);
    writer.enqueue(good[1]!);
    writer.enqueue(bad);
    writer.enqueue(good[2]!);
    writer.enqueue(good[3]!);
    await expect(writer.drain(5000)).resolves.toBe(true);
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual(good);
    expect(await counter(metrics, 'rejected')).toBe(1);
    expect(await counter(metrics, 'ok')).toBe(4);
    expect(writer.pending).toBe(0);
  });

  test('shutdown (drain) flushes what is queued, behind a refused record too', async () => {
    const hookInstance = randomUUID();
    const metrics = createMetrics();
    // A minute's wait for company: only drain makes these go out.
    const writer = new AuditWriter(storage, metrics, createLogger('silent'), { flushDelayMs: 60_000 });
    const good = Array.from({ length: 3 }, () => record(hookInstance));
    writer.enqueue({ ...record(hookInstance), hookInstance: '\u0000' });
    for (const r of good) writer.enqueue(r);
    await expect(writer.drain(5000)).resolves.toBe(true);
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual(good);
  });

  test('a connection error is not a refused record: the batch is retried and nothing is set aside', () => {
    expect(isRecordError(new Error('connection lost'))).toBe(false);
    expect(isRecordError(Object.assign(new Error('x'), { code: '08006' }))).toBe(false);
    expect(isRecordError(Object.assign(new Error('x'), { code: '22P05' }))).toBe(true);
    expect(isRecordError(Object.assign(new Error('x'), { code: '23505' }))).toBe(true);
  });
});
