import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStorage, feedbackWithAudit } from './index.js';
import { loadMigrations, migrate } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Executor } from './executor.js';
import type { AuditRecord, FeedbackRecord, Storage } from './types.js';

// The same suite runs on embedded PGlite (always) and on PostgreSQL when DATABASE_URL is set.
// Each PostgreSQL run gets its own schema, dropped afterwards, so runs never see each other.

interface Backend {
  name: string;
  open(): Promise<Storage>;
  /** Opens a second, independent handle on the same database (reopen / second process). */
  reopen(): Promise<Storage>;
  cleanup(): Promise<void>;
}

function pgliteBackend(): Backend {
  let dir: string | undefined;
  return {
    name: 'pglite',
    async open() {
      dir = await mkdtemp(join(tmpdir(), 'heme-storage-'));
      return createStorage({ dataDir: dir });
    },
    async reopen() {
      if (dir === undefined) throw new Error('open() first');
      return createStorage({ dataDir: dir });
    },
    async cleanup() {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(databaseUrl: string): Backend {
  const schema = `heme_test_${randomBytes(6).toString('hex')}`;
  return {
    name: 'postgres',
    open: () => createStorage({ databaseUrl, dataDir: '/nonexistent', pgSchema: schema }),
    reopen: () => createStorage({ databaseUrl, dataDir: '/nonexistent', pgSchema: schema }),
    async cleanup() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

const databaseUrl = process.env.DATABASE_URL;
const backends: [string, () => Backend][] = [['pglite', pgliteBackend]];
if (databaseUrl) backends.push(['postgres', () => postgresBackend(databaseUrl)]);

function audit(hookInstance: string, cards: AuditRecord['cards']): AuditRecord {
  return {
    at: new Date('2025-03-04T10:11:12.345Z'),
    serviceId: 'heme-myeloma',
    hook: 'patient-view',
    hookInstance,
    clientIss: 'https://ehr.example.org',
    patientPseudonym: 'a'.repeat(64),
    cards,
    prefetchFromClient: ['patient', 'labs'],
    prefetchFetched: ['meds'],
    prefetchUnavailable: ['conditions'],
    durationsMs: { auth: 1.5, prefetch: 20, total: 31 },
    outcome: 'ok',
    httpStatus: 200,
  };
}

describe.each(backends)('storage on %s', (name, makeBackend) => {
  let backend: Backend;
  let storage: Storage;

  beforeAll(async () => {
    backend = makeBackend();
    storage = await backend.open();
  });

  afterAll(async () => {
    await storage?.close();
    await backend?.cleanup();
  });

  test('ping answers true on an open database', async () => {
    await expect(storage.ping()).resolves.toBe(true);
  });

  test('migrate is idempotent and leaves data alone', async () => {
    const hookInstance = randomUUID();
    const row = audit(hookInstance, []);
    await storage.writeAudit(row);
    await storage.migrate();
    await storage.migrate();
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual([row]);
  });

  test('purge deletes audit, feedback and used JWT ids older than their cutoffs, and nothing newer (issue 13 item 6)', async () => {
    const cutoff = new Date('2025-06-01T00:00:00.000Z');
    const old = randomUUID();
    const kept = randomUUID();
    await storage.writeAudits([
      { ...audit(old, [{ uuid: randomUUID(), ruleId: 'r', topicCode: 'r', indicator: 'info' }]), at: new Date(cutoff.getTime() - 1) },
      { ...audit(kept, []), at: cutoff },
    ]);
    const card = randomUUID();
    await storage.writeFeedback([{ serviceId: 's', cardUuid: card, outcome: 'overridden', acceptedSuggestions: [], outcomeTimestamp: new Date() }]);
    const iss = `https://purge-${randomUUID()}`;
    await storage.rememberJti(iss, 'expired', new Date(cutoff.getTime() - 1));
    await storage.rememberJti(iss, 'live', cutoff);
    // Feedback was received just now: a cutoff a minute ago keeps it, a minute ahead deletes it.
    const keep = await storage.purge({ auditBefore: cutoff, feedbackBefore: new Date(Date.now() - 60_000), jtiExpiredBefore: cutoff });
    expect(keep.audit).toBeGreaterThanOrEqual(1);
    expect(keep.jti).toBeGreaterThanOrEqual(1);
    await expect(storage.auditForHookInstance(old)).resolves.toEqual([]);
    await expect(storage.auditForHookInstance(kept)).resolves.toHaveLength(1);
    await expect(storage.feedbackForCard(card)).resolves.toHaveLength(1);
    await expect(storage.rememberJti(iss, 'expired', cutoff)).resolves.toBe(true); // its row was gone
    await expect(storage.rememberJti(iss, 'live', cutoff)).resolves.toBe(false); // still remembered
    await storage.purge({ auditBefore: cutoff, feedbackBefore: new Date(Date.now() + 60_000), jtiExpiredBefore: cutoff });
    await expect(storage.feedbackForCard(card)).resolves.toEqual([]);
  });

  test('a jti is accepted once; a replay is refused; other issuers are independent', async () => {
    const jti = randomUUID();
    const exp = new Date(Date.now() + 300_000);
    await expect(storage.rememberJti('https://a.example', jti, exp)).resolves.toBe(true);
    await expect(storage.rememberJti('https://a.example', jti, exp)).resolves.toBe(false);
    await expect(storage.rememberJti('https://b.example', jti, exp)).resolves.toBe(true);
    await expect(storage.rememberJti('https://b.example', jti, exp)).resolves.toBe(false);
  });

  test('concurrent remembers of one jti let exactly one through', async () => {
    const jti = randomUUID();
    const exp = new Date(Date.now() + 300_000);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => storage.rememberJti('https://race.example', jti, exp)),
    );
    expect(results.filter((r) => r)).toHaveLength(1);
  });

  test('audit round-trips with cards in response order', async () => {
    const hookInstance = randomUUID();
    const cards = [
      { uuid: randomUUID(), ruleId: 'MM-01', topicCode: 'myeloma-response', indicator: 'warning' },
      { uuid: randomUUID(), ruleId: 'MM-07', topicCode: 'renal', indicator: 'info' },
      { uuid: randomUUID(), ruleId: 'CML-02', topicCode: 'pregnancy', indicator: 'critical' },
    ];
    const record = audit(hookInstance, cards);
    await storage.writeAudit(record);
    const read = await storage.auditForHookInstance(hookInstance);
    expect(read).toEqual([record]);
    expect(read[0]?.at.toISOString()).toBe('2025-03-04T10:11:12.345Z');
  });

  test('a batch of audit rows is written in one statement: each keeps its own cards, in queue order', async () => {
    const hookInstance = randomUUID();
    const card = (ruleId: string) => ({ uuid: randomUUID(), ruleId, topicCode: ruleId, indicator: 'info' });
    const records = [
      audit(hookInstance, [card('stage-iss'), card('stage-riss')]),
      { ...audit(hookInstance, []), outcome: 'data-unavailable' },
      audit(hookInstance, [card('vzv-prophylaxis')]),
    ];
    await storage.writeAudits(records);
    await expect(storage.auditForHookInstance(hookInstance)).resolves.toEqual(records);
    await storage.writeAudits([]);
    // A duplicate card uuid fails the statement: none of the batch is stored, so a retry is safe.
    const other = randomUUID();
    const again = records[0]!.cards[0]!;
    await expect(storage.writeAudits([audit(other, [card('stage-iss')]), audit(other, [again])])).rejects.toThrow();
    await expect(storage.auditForHookInstance(other)).resolves.toEqual([]);
  });

  test('audit without cards and without client iss round-trips', async () => {
    const hookInstance = randomUUID();
    const { clientIss: _drop, ...rest } = audit(hookInstance, []);
    const record: AuditRecord = { ...rest, outcome: 'data-unavailable', httpStatus: 200 };
    await storage.writeAudit(record);
    const read = await storage.auditForHookInstance(hookInstance);
    expect(read).toEqual([record]);
    expect(read[0]).not.toHaveProperty('clientIss');
    await expect(storage.auditForHookInstance(randomUUID())).resolves.toEqual([]);
  });

  test('feedback round-trips: accepted with suggestions, overridden with reason and comment', async () => {
    const cardA = randomUUID();
    const cardB = randomUUID();
    const accepted: FeedbackRecord = {
      serviceId: 'heme-myeloma',
      cardUuid: cardA,
      outcome: 'accepted',
      acceptedSuggestions: ['sugg-1', 'sugg-2'],
      outcomeTimestamp: new Date('2025-03-04T10:12:00.000Z'),
      clientIss: 'https://ehr.example.org',
    };
    const overridden: FeedbackRecord = {
      serviceId: 'heme-myeloma',
      cardUuid: cardB,
      outcome: 'overridden',
      acceptedSuggestions: [],
      overrideReason: { code: 'not-relevant', system: 'https://example.org/override', display: 'Not relevant' },
      userComment: 'Patient already on treatment',
      outcomeTimestamp: new Date('2025-03-04T10:13:00.000Z'),
    };
    await storage.writeFeedback([accepted, overridden]);
    await expect(storage.feedbackForCard(cardA)).resolves.toEqual([accepted]);
    await expect(storage.feedbackForCard(cardB)).resolves.toEqual([overridden]);
    await expect(storage.feedbackForCard(randomUUID())).resolves.toEqual([]);
  });

  test('a failing item rolls back the whole feedback batch', async () => {
    const card = randomUUID();
    const good: FeedbackRecord = {
      serviceId: 'heme-myeloma',
      cardUuid: card,
      outcome: 'accepted',
      acceptedSuggestions: [],
      outcomeTimestamp: new Date(),
    };
    // Violates the NOT NULL constraint in the database, after the first row was inserted.
    const bad = { ...good, serviceId: null as unknown as string };
    await expect(storage.writeFeedback([good, bad])).rejects.toThrow();
    await expect(storage.feedbackForCard(card)).resolves.toEqual([]);
  });

  test('feedback joins its audit row by card uuid; unknown cards are still stored', async () => {
    const hookInstance = randomUUID();
    const known = randomUUID();
    const unknown = randomUUID();
    await storage.writeAudit(
      audit(hookInstance, [{ uuid: known, ruleId: 'MM-03', topicCode: 'bone', indicator: 'warning' }]),
    );
    await storage.writeFeedback([
      { serviceId: 'heme-myeloma', cardUuid: known, outcome: 'overridden', acceptedSuggestions: [], outcomeTimestamp: new Date() },
      { serviceId: 'heme-myeloma', cardUuid: unknown, outcome: 'accepted', acceptedSuggestions: [], outcomeTimestamp: new Date() },
    ]);
    const joined = await feedbackWithAudit(storage, known);
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({
      cardUuid: known,
      outcome: 'overridden',
      audit: { hookInstance, serviceId: 'heme-myeloma', ruleId: 'MM-03', topicCode: 'bone', indicator: 'warning' },
    });
    expect(joined[0]?.receivedAt).toBeInstanceOf(Date);
    const orphan = await feedbackWithAudit(storage, unknown);
    expect(orphan).toHaveLength(1);
    expect(orphan[0]?.audit).toBeUndefined();
  });

  // PGlite allows one open handle per data dir, so a throwaway handle is only opened on
  // PostgreSQL; PGlite's closed-handle case is covered in memory mode below.
  (name === 'postgres' ? test : test.skip)('ping answers false on a closed handle, without throwing', async () => {
    const extra = await backend.reopen();
    await extra.close();
    await expect(extra.ping()).resolves.toBe(false);
  });
});

type ExecutorFactory = () => Promise<{ db: Executor; cleanup: () => Promise<void> }>;
const executors: [string, ExecutorFactory][] = [
  ['pglite', async () => ({ db: await openPglite(), cleanup: async () => {} })],
];
if (databaseUrl) {
  executors.push([
    'postgres',
    async () => {
      const schema = `heme_test_${randomBytes(6).toString('hex')}`;
      const db = await openPostgres({ databaseUrl, pgSchema: schema });
      return {
        db,
        cleanup: async () => {
          await db.exec(`drop schema if exists ${schema} cascade`);
        },
      };
    },
  ]);
}

describe.each(executors)('migrations on %s', (_name, open) => {
  test('the first run applies every file once, the second none', async () => {
    const files = await loadMigrations();
    expect(files.map((m) => m.name)).toContain('001_init.sql');
    const { db, cleanup } = await open();
    try {
      await expect(migrate(db)).resolves.toEqual(files.map((m) => m.name));
      await expect(migrate(db)).resolves.toEqual([]);
      const rows = await db.query<{ name: string }>('select name from schema_migrations order by name');
      expect(rows.rows.map((r) => r.name)).toEqual(files.map((m) => m.name));
    } finally {
      await cleanup();
      await db.close();
    }
  });

  test('a failing migration is rolled back and not recorded', async () => {
    const { db, cleanup } = await open();
    try {
      const broken = [{ name: '900_broken.sql', sql: 'create table half_done (x int); select no_such_function();' }];
      await expect(migrate(db, broken)).rejects.toThrow();
      const t = await db.query("select 1 from information_schema.tables where table_name = 'half_done'");
      expect(t.rows).toHaveLength(0);
      const m = await db.query("select 1 from schema_migrations where name = '900_broken.sql'");
      expect(m.rows).toHaveLength(0);
    } finally {
      await cleanup();
      await db.close();
    }
  });

  test('the pseudonym key earlier versions kept in the database is removed (issue 13 item 5)', async () => {
    const files = await loadMigrations();
    const { db, cleanup } = await open();
    try {
      await migrate(db, files.filter((m) => m.name === '001_init.sql'));
      await db.query("insert into settings (name, value) values ('patient-pseudonym', 'old-key'), ('other', 'kept')");
      await migrate(db, files);
      const rows = await db.query<{ name: string }>('select name from settings order by name');
      expect(rows.rows.map((r) => r.name)).toEqual(['other']);
    } finally {
      await cleanup();
      await db.close();
    }
  });

  test('concurrent runs apply each file once', async () => {
    const { db, cleanup } = await open();
    try {
      const [a, b] = await Promise.all([migrate(db), migrate(db)]);
      expect([...(a ?? []), ...(b ?? [])].sort()).toEqual((await loadMigrations()).map((m) => m.name).sort());
    } finally {
      await cleanup();
      await db.close();
    }
  });
});

describe('pglite specifics', () => {
  test('DATA_DIR is 0700 and nothing under it is group- or world-accessible (issue 13 item 5)', async () => {
    const previous = process.umask(0o022); // a typical login umask
    const parent = await mkdtemp(join(tmpdir(), 'heme-modes-'));
    const dataDir = join(parent, 'data');
    try {
      // What an earlier version left behind: a world-readable directory and file.
      await mkdir(join(dataDir, 'old'), { recursive: true, mode: 0o755 });
      await chmod(dataDir, 0o755);
      await writeFile(join(dataDir, 'old', 'file'), 'x', { mode: 0o644 });
      const open: string[] = [];
      const walk = async (dir: string): Promise<number> => {
        let n = 0;
        for (const e of await readdir(dir, { withFileTypes: true })) {
          const p = join(dir, e.name);
          n++;
          if (((await lstat(p)).mode & 0o077) !== 0) open.push(p);
          if (e.isDirectory()) n += await walk(p);
        }
        return n;
      };
      const s = await createStorage({ dataDir });
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect(await walk(dataDir)).toBeGreaterThan(10); // the database's own files are there
      expect(open).toEqual([]);
      await s.writeAudit(audit(randomUUID(), []));
      await s.close();
      expect(await walk(dataDir)).toBeGreaterThan(10);
      expect(open).toEqual([]);
    } finally {
      process.umask(previous);
      await rm(parent, { recursive: true, force: true });
    }
  }, 120_000);

  test('memory mode needs no data dir and answers ping; false after close', async () => {
    const s = await createStorage({ dataDir: '/nonexistent-never-created', memory: true });
    await expect(s.ping()).resolves.toBe(true);
    await s.close();
    await expect(s.ping()).resolves.toBe(false);
    await expect(stat('/nonexistent-never-created')).rejects.toThrow();
  });

  test('file mode stores under <dataDir>/pglite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'heme-storage-'));
    try {
      const s = await createStorage({ dataDir: dir });
      await s.close();
      expect((await stat(join(dir, 'pglite'))).isDirectory()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('postgres configuration', () => {
  test('an invalid schema name is refused before connecting', async () => {
    await expect(
      createStorage({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none', dataDir: '/x', pgSchema: 'bad"; drop' }),
    ).rejects.toThrow(/invalid PostgreSQL schema name/);
  });

  test('an unreachable server fails fast instead of hanging', async () => {
    const started = Date.now();
    await expect(createStorage({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none', dataDir: '/x' })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('embedded PGlite on a data dir', () => {
  test('a new data dir is created (initdb in a child process) and runs with the small buffers; a reopen keeps its data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'heme-pglite-'));
    try {
      const db = await openPglite({ dataDir: join(dir, 'pglite') });
      await expect(stat(join(dir, 'pglite', 'PG_VERSION'))).resolves.toBeTruthy();
      const settings = await db.query<{ name: string; setting: string; unit: string | null }>(
        "select name, setting, unit from pg_settings where name in ('shared_buffers', 'work_mem') order by name",
      );
      // 8 kB pages: 1024 × 8 kB = 8 MB of shared buffers (PostgreSQL's own default here is 160 MB).
      expect(settings.rows).toEqual([
        { name: 'shared_buffers', setting: '1024', unit: '8kB' },
        { name: 'work_mem', setting: '1024', unit: 'kB' },
      ]);
      await db.exec('create table kept (v integer); insert into kept values (42)');
      await db.close();
      const again = await openPglite({ dataDir: join(dir, 'pglite') });
      await expect(again.query('select v from kept')).resolves.toMatchObject({ rows: [{ v: 42 }] });
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
