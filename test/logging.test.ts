import { expect } from '@jest/globals';
import request from 'supertest';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { startJwtIssuer } from './support/jwt-issuer.js';
import { hookBody, PUBLIC_BASE, startStack, type TestStack } from './support/stack.js';

// A full request cycle (authenticated hook call with FHIR fallback, then feedback) must leave no
// PHI in the logs: no patient id, no token, no FHIR content, no request body.
let stack: TestStack;
let fhir: DemoFhirServer;
let issuer: Awaited<ReturnType<typeof startJwtIssuer>>;

beforeAll(async () => {
  issuer = await startJwtIssuer();
  fhir = await startDemoFhirServer({ host: '127.0.0.1', port: 0 });
  stack = await startStack({ clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl, fhir_servers: [fhir.baseUrl] }], env: { LOG_LEVEL: 'trace' } });
});
afterAll(async () => {
  await stack.close();
  await fhir.close();
  await issuer.close();
});

test('no patient id, token, FHIR content or body in the log stream', async () => {
  const patientId = 'pat-bortezomib-no-valaciclovir';
  const accessToken = 'secret-fhir-access-token-123';
  const jwt = await issuer.sign({ aud: `${PUBLIC_BASE}/cds-services/heme-patient-view` });
  const body = hookBody('patient-view', patientId, {
    fhirServer: fhir.baseUrl,
    fhirAuthorization: { access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'heme-cds' },
  });
  const res = await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${jwt}`).send(body);
  expect(res.status).toBe(200);
  const { cards } = res.body as { cards: { uuid: string }[] };
  expect(cards.length).toBeGreaterThan(0);
  const card = cards[0] as { uuid: string };
  const jwt2 = await issuer.sign({ aud: `${PUBLIC_BASE}/cds-services/heme-patient-view/feedback` });
  const fb = await request(stack.app)
    .post('/cds-services/heme-patient-view/feedback')
    .set('Authorization', `Bearer ${jwt2}`)
    .send({ feedback: [{ card: card.uuid, outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:00:00Z', overrideReason: { userComment: 'Kari Nordmann declined' } }] });
  expect(fb.status).toBe(200);
  await stack.runtime.deps.auditWriter.drain();

  const log = stack.logs.join('');
  expect(log.length).toBeGreaterThan(0);
  expect(log).toContain('hook invoked');
  // The hook line keeps its counts and timings readable (nothing there is redacted by mistake).
  const lines = log.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const hookLine = lines.find((l) => l.event === 'hook.invoked');
  expect(hookLine?.prefetchKeys).toEqual({ client: 0, fetched: expect.any(Number), unavailable: 0 });
  expect(hookLine?.durationsMs).toEqual(expect.objectContaining({ fetch: expect.any(Number), snapshot: expect.any(Number), total: expect.any(Number) }));
  expect(log).toContain(body.hookInstance);
  for (const forbidden of [patientId, accessToken, jwt, jwt2, 'Kari Nordmann', 'Observation', 'MedicationRequest', 'Patient/', 'valueQuantity', '1952-1']) {
    expect(log).not.toContain(forbidden);
  }
  // Names of the synthetic patient never appear either.
  const patient = (await (await fetch(`${fhir.baseUrl}/Patient/${patientId}`)).json()) as { name?: { given?: string[] }[] };
  for (const n of patient.name ?? []) for (const given of n.given ?? []) expect(log).not.toContain(given);

  // The audit row holds a pseudonym, never the raw id.
  const rows = await stack.runtime.deps.storage.auditForHookInstance(body.hookInstance);
  expect(rows).toHaveLength(1);
  expect(rows[0]?.patientPseudonym).toMatch(/^[0-9a-f]{32}$/);
  expect(JSON.stringify(rows[0])).not.toContain(patientId);
  expect(rows[0]?.cards.map((c) => c.uuid)).toContain(card.uuid);
  expect(rows[0]?.prefetchFetched.length).toBeGreaterThan(0);
  expect(rows[0]?.clientIss).toBe(issuer.iss);
});
