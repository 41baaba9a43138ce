import request from 'supertest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startJwtIssuer } from './support/jwt-issuer.js';
import { hookBody, PUBLIC_BASE, startStack, type TestStack } from './support/stack.js';

// Real JWTs signed with real keys, the JWKS served over HTTP, the service configured to trust it.
type Issuer = Awaited<ReturnType<typeof startJwtIssuer>>;
let issuer: Issuer;
let stack: TestStack;
let canary: Server;
let canaryHits = 0;
let canaryUrl: string;

beforeAll(async () => {
  issuer = await startJwtIssuer({ alg: 'ES384' });
  canary = createServer((_req, res) => {
    canaryHits++;
    res.end('{}');
  });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/fhir`;
  stack = await startStack({ clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }], env: { CORS_ORIGINS: 'https://sandbox.cds-hooks.org' } });
});
afterAll(async () => {
  await stack.close();
  await issuer.close();
  await new Promise((r) => canary.close(r));
});

const svc = `${PUBLIC_BASE}/cds-services/heme-patient-view`;
// Every prefetch key the service asks for, null ("the client has no data"): no FHIR server needed.
const body = () =>
  hookBody('patient-view', 'p1', {
    prefetch: Object.fromEntries(Object.keys(stack.runtime.deps.services.find((s) => s.id === 'heme-patient-view')?.prefetch ?? {}).map((k) => [k, null])),
  });

describe('JWT authentication on hook calls', () => {
  test('valid token → 200', async () => {
    const token = await issuer.sign({ aud: svc });
    const res = await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${token}`).send(body());
    expect(res.status).toBe(200);
  });

  test('no token, wrong audience, replay → 401 with no detail', async () => {
    const noToken = await request(stack.app).post('/cds-services/heme-patient-view').set('Origin', 'https://sandbox.cds-hooks.org').send(body());
    expect(noToken.status).toBe(401);
    expect(JSON.stringify(noToken.body)).not.toMatch(/aud|exp|kid|signature/i);
    expect(noToken.headers['access-control-allow-origin']).toBe('https://sandbox.cds-hooks.org');

    const wrongAud = await issuer.sign({ aud: `${PUBLIC_BASE}/cds-services` });
    expect((await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${wrongAud}`).send(body())).status).toBe(401);

    const token = await issuer.sign({ aud: svc });
    expect((await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${token}`).send(body())).status).toBe(200);
    expect((await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${token}`).send(body())).status).toBe(401);
  });

  test('authentication happens before the body is read or the FHIR server contacted', async () => {
    const malformed = await request(stack.app).post('/cds-services/heme-patient-view').set('Content-Type', 'application/json').send('{"hook":');
    expect(malformed.status).toBe(401);
    const before = canaryHits;
    const res = await request(stack.app).post('/cds-services/heme-patient-view').send(hookBody('patient-view', 'p1', { fhirServer: canaryUrl }));
    expect(res.status).toBe(401);
    expect(canaryHits).toBe(before);
  });

  test('discovery and preflight stay open', async () => {
    expect((await request(stack.app).get('/cds-services')).status).toBe(200);
    const pre = await request(stack.app).options('/cds-services/heme-patient-view').set('Origin', 'https://sandbox.cds-hooks.org').set('Access-Control-Request-Method', 'POST');
    expect(pre.status).toBeLessThan(300);
  });

  test('feedback needs a token; aud may be the feedback URL or the service URL', async () => {
    const fb = { feedback: [{ card: crypto.randomUUID(), outcome: 'overridden', outcomeTimestamp: '2026-11-22T10:00:00Z' }] };
    expect((await request(stack.app).post('/cds-services/heme-patient-view/feedback').send(fb)).status).toBe(401);
    const t1 = await issuer.sign({ aud: `${svc}/feedback` });
    expect((await request(stack.app).post('/cds-services/heme-patient-view/feedback').set('Authorization', `Bearer ${t1}`).send(fb)).status).toBe(200);
    const t2 = await issuer.sign({ aud: svc });
    expect((await request(stack.app).post('/cds-services/heme-patient-view/feedback').set('Authorization', `Bearer ${t2}`).send(fb)).status).toBe(200);
  });
});
