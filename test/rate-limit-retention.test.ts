import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { createRuntime } from '../src/runtime.js';
import { startJwtIssuer, type JwtIssuer } from './support/jwt-issuer.js';
import { hookBody, noDataPrefetch, PUBLIC_BASE, startStack, type TestStack } from './support/stack.js';

// Issue 13 item 6: a per-client rate limit (429 + Retry-After), the feedback size cap, and the
// retention purge the service runs by itself.
const prefetch = (stack: TestStack) => noDataPrefetch(stack, { resourceType: 'Patient', id: 'pat-rl', birthDate: '1960-01-01' });
const SVC = `${PUBLIC_BASE}/cds-services/heme-patient-view`;

describe('with trusted clients', () => {
  let a: JwtIssuer;
  let b: JwtIssuer;
  let stack: TestStack;
  beforeAll(async () => {
    [a, b] = await Promise.all([startJwtIssuer(), startJwtIssuer()]);
    stack = await startStack({
      clients: [{ iss: a.iss, jwks_url: a.jwksUrl }, { iss: b.iss, jwks_url: b.jwksUrl }],
      env: { RATE_LIMIT_PER_MINUTE: '3', FEEDBACK_BODY_LIMIT_BYTES: '2048' },
    });
  });
  afterAll(async () => {
    await stack.close();
    await Promise.all([a.close(), b.close()]);
  });

  const hook = async (issuer: JwtIssuer) =>
    request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${await issuer.sign({ aud: SVC })}`).send(hookBody('patient-view', 'pat-rl', { prefetch: prefetch(stack) }));
  const feedback = async (issuer: JwtIssuer, body: unknown) =>
    request(stack.app).post('/cds-services/heme-patient-view/feedback').set('Authorization', `Bearer ${await issuer.sign({ aud: `${SVC}/feedback` })}`).send(body as object);

  test('the limit is per client and counts hook and feedback calls together: the 4th call of 3 a minute is a 429 with Retry-After', async () => {
    expect((await hook(a)).status).toBe(200);
    expect((await hook(a)).status).toBe(200);
    const fb = { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:00:00Z' }] };
    expect((await feedback(a, fb)).status).toBe(200);
    const limited = await hook(a);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect((limited.body as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect((await feedback(a, fb)).status).toBe(429);
    // Another client has its own budget.
    expect((await hook(b)).status).toBe(200);
  });

  test('a feedback body over FEEDBACK_BODY_LIMIT_BYTES is a 413', async () => {
    const big = { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:00:00Z', overrideReason: { userComment: 'x'.repeat(2048) } }] };
    expect((await feedback(b, big)).status).toBe(413);
  });
});

test('loopback development is not limited', async () => {
  const stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
  try {
    for (let i = 0; i < 4; i++) {
      expect((await request(stack.app).post('/cds-services/heme-patient-view').send(hookBody('patient-view', 'pat-rl', { prefetch: prefetch(stack) }))).status).toBe(200);
    }
  } finally {
    await stack.close();
  }
});

test('RATE_LIMIT_PER_MINUTE defaults to 1200, 0 switches it off', () => {
  expect(loadConfig({}).rateLimitPerMinute).toBe(1200);
  expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute).toBe(0);
  expect(loadConfig({}).feedbackBodyLimitBytes).toBe(65536);
});

test('the service purges old audit rows by itself, on its timer', async () => {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DEMO_FHIR: 'off', LOG_LEVEL: 'silent', AUDIT_RETENTION_DAYS: '30' });
  const runtime = await createRuntime(config, { logger: createLogger('silent'), memoryStorage: true, purgeIntervalMs: 100 });
  try {
    const { storage } = runtime.deps;
    const base = { serviceId: 's', hook: 'patient-view', patientPseudonym: 'p', cards: [], prefetchFromClient: [], prefetchFetched: [], prefetchUnavailable: [], durationsMs: {}, outcome: 'ok', httpStatus: 200 };
    const old = randomUUID();
    const recent = randomUUID();
    const day = 24 * 60 * 60 * 1000;
    await storage.writeAudits([
      { ...base, hookInstance: old, at: new Date(Date.now() - 31 * day) },
      { ...base, hookInstance: recent, at: new Date(Date.now() - 29 * day) },
    ]);
    const until = Date.now() + 10_000;
    while ((await storage.auditForHookInstance(old)).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await expect(storage.auditForHookInstance(old)).resolves.toEqual([]);
    await expect(storage.auditForHookInstance(recent)).resolves.toHaveLength(1);
  } finally {
    await runtime.close();
  }
});
