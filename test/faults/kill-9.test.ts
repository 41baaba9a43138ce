import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage } from '../../src/storage/index.js';
import { feedbackBody, postJson } from './support/clients.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { startService } from './support/service-process.js';

// `kill -9` of the service process in the middle of a burst of feedback posts, then a restart on
// the same database: every feedback that got a 200 before the kill is in the store. Run on the
// embedded PGlite file database (DATA_DIR) and on a private PostgreSQL.

const WORKERS = 8;
const KILL_AFTER_ACKS = 150;

async function burstThenKill(env: Record<string, string>): Promise<{ acked: string[]; failed: number; signal: string | null }> {
  const svc = await startService({ CDS_AUTH: 'off', ...env }, { readyTimeoutMs: 90_000 });
  const url = `${svc.baseUrl}/cds-services/heme-order-sign/feedback`;
  const acked: string[] = [];
  let failed = 0;
  let killed = false;
  const worker = async () => {
    while (!killed) {
      const body = feedbackBody();
      try {
        const r = await postJson(url, body);
        if (r.status === 200) acked.push(body.feedback[0]!.card);
        else failed += 1;
      } catch {
        failed += 1; // the connection died with the process: not acknowledged
      }
      if (!killed && acked.length >= KILL_AFTER_ACKS) {
        killed = true;
        svc.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const { signal } = await svc.exited;
  return { acked: [...acked], failed, signal };
}

async function restartAndStop(env: Record<string, string>): Promise<number | null> {
  const svc = await startService({ CDS_AUTH: 'off', ...env }, { readyTimeoutMs: 90_000 });
  const ready = await fetch(`${svc.baseUrl}/readyz`);
  expect(ready.status).toBe(200);
  svc.child.kill('SIGTERM');
  return (await svc.exited).code;
}

describe('PGlite file database under DATA_DIR', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heme-kill9-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every acknowledged feedback survives kill -9 and a restart', async () => {
    const env = { DATA_DIR: dir };
    const { acked, failed, signal } = await burstThenKill(env);
    expect(signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(await restartAndStop(env)).toBe(0);
    // Opened by the test once the service has stopped (one process per PGlite directory).
    const storage = await createStorage({ dataDir: dir });
    try {
      const missing: string[] = [];
      for (const card of acked) if ((await storage.feedbackForCard(card)).length !== 1) missing.push(card);
      expect(missing).toEqual([]);
    } finally {
      await storage.close();
    }
    process.stdout.write(`kill -9 (PGlite): ${acked.length} acknowledged, ${failed} cut off by the kill, all ${acked.length} stored after restart\n`);
  }, 240_000);
});

describe('private PostgreSQL', () => {
  let db: PrivatePostgres;
  beforeAll(async () => {
    db = await startPrivatePostgres();
  }, 90_000);
  afterAll(() => db?.destroy());

  test('every acknowledged feedback survives kill -9 and a restart', async () => {
    const env = { DATABASE_URL: db.url };
    const { acked, failed, signal } = await burstThenKill(env);
    expect(signal).toBe('SIGKILL');
    expect(await restartAndStop(env)).toBe(0);
    const storage = await createStorage({ databaseUrl: db.url, dataDir: '/unused' });
    try {
      const missing: string[] = [];
      for (const card of acked) if ((await storage.feedbackForCard(card)).length !== 1) missing.push(card);
      expect(missing).toEqual([]);
    } finally {
      await storage.close();
    }
    process.stdout.write(`kill -9 (PostgreSQL): ${acked.length} acknowledged, ${failed} cut off by the kill, all ${acked.length} stored after restart\n`);
  });
});
