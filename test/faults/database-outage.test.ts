import pg from 'pg';
import { validateHemeResponse } from '../../src/protocol/schemas/index.js';
import { feedbackBody, offlineHookBody, postJson } from './support/clients.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { metricsOf, startService, type ServiceProcess } from './support/service-process.js';

// The database goes away and comes back, under the real service process on a private PostgreSQL:
// hook calls keep answering (audit rows queue, visible in /metrics), feedback answers 503 while it
// cannot be stored durably and 200 again afterwards, and every feedback that got a 200 and every
// audit row of a 200 hook call is in the database at the end.

let db: PrivatePostgres;
let svc: ServiceProcess;

beforeAll(async () => {
  db = await startPrivatePostgres();
  svc = await startService({ DATABASE_URL: db.url, CDS_AUTH: 'off', CDS_DEADLINE_MS: '2000' });
}, 90_000);
afterAll(async () => {
  await svc?.stop();
  db?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('outage and recovery: hooks answer throughout, feedback 503 then 200, nothing acknowledged lost', async () => {
  const hookUrl = `${svc.baseUrl}/cds-services/heme-patient-view`;
  const feedbackUrl = `${svc.baseUrl}/cds-services/heme-patient-view/feedback`;
  const hook200: string[] = [];
  const acked: string[] = [];
  const statuses = { feedback: new Map<number, number>(), hook: new Map<number, number>() };
  const count = (m: Map<number, number>, s: number) => m.set(s, (m.get(s) ?? 0) + 1);

  // A steady trickle of feedback from the start to the end, through the outage and the recovery.
  let running = true;
  const trickle = (async () => {
    while (running) {
      const body = feedbackBody();
      const r = await postJson(feedbackUrl, body).catch(() => ({ status: 0, body: undefined }));
      count(statuses.feedback, r.status);
      if (r.status === 200) acked.push(body.feedback[0]!.card);
      else expect([503]).toContain(r.status);
      await sleep(25);
    }
  })();
  const hookCall = async () => {
    const body = offlineHookBody();
    const t0 = performance.now();
    const r = await postJson(hookUrl, body);
    count(statuses.hook, r.status);
    expect(r.status).toBe(200);
    expect(validateHemeResponse(r.body)).toEqual({ ok: true });
    expect(performance.now() - t0).toBeLessThan(2000);
    hook200.push(body.hookInstance);
  };

  for (let i = 0; i < 5; i++) await hookCall();
  await sleep(300);
  expect(acked.length).toBeGreaterThan(0);

  db.stop();
  const downAt = Date.now();
  for (let i = 0; i < 20; i++) await hookCall();
  // While down: the audit queue holds the rows of the hook calls made since, and writes are retried.
  await sleep(1500);
  const down = await metricsOf(svc.baseUrl);
  expect(down.get('heme_cds_audit_queue_length')).toBeGreaterThanOrEqual(1);
  expect(down.get('heme_cds_audit_writes_total{outcome="retry"}') ?? 0).toBeGreaterThan(0);
  const during = await postJson(feedbackUrl, feedbackBody());
  expect(during.status).toBe(503);
  const ready = await fetch(`${svc.baseUrl}/readyz`);
  expect(ready.status).toBe(503);
  const downMs = Date.now() - downAt;

  db.start();
  // Feedback is accepted again once the pool reconnects; the audit queue drains on its own.
  const upAt = Date.now();
  let recovered = false;
  while (Date.now() - upAt < 30_000) {
    const r = await postJson(feedbackUrl, feedbackBody());
    if (r.status === 200) {
      recovered = true;
      break;
    }
    await sleep(100);
  }
  expect(recovered).toBe(true);
  const recoveryMs = Date.now() - upAt;
  for (let i = 0; i < 5; i++) await hookCall();
  let queue = Infinity;
  while (Date.now() - upAt < 40_000) {
    queue = (await metricsOf(svc.baseUrl)).get('heme_cds_audit_queue_length') ?? Infinity;
    if (queue === 0) break;
    await sleep(200);
  }
  expect(queue).toBe(0);
  running = false;
  await trickle;

  // Nothing acknowledged is lost: straight from the database, not through the service.
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const fb = await client.query<{ card_uuid: string }>('select card_uuid from feedback where card_uuid = any($1::text[])', [acked]);
    expect(new Set(fb.rows.map((r) => r.card_uuid))).toEqual(new Set(acked));
    const audit = await client.query<{ hook_instance: string }>('select hook_instance from audit where hook_instance = any($1::text[])', [hook200]);
    expect(new Set(audit.rows.map((r) => r.hook_instance))).toEqual(new Set(hook200));
  } finally {
    await client.end();
  }
  expect(svc.child.exitCode).toBeNull();
  expect(svc.logs().filter((l) => l.event === 'unhandled-rejection' || l.level === 60)).toEqual([]);
  process.stdout.write(
    `database outage: ${downMs} ms down, feedback 200 again ${recoveryMs} ms after restart; ` +
      `hooks ${JSON.stringify([...statuses.hook])}, feedback ${JSON.stringify([...statuses.feedback])}, ` +
      `${acked.length} acknowledged feedback all stored, ${hook200.length} audit rows all stored\n`,
  );
});
