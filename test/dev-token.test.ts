import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DEV_ISSUER, ensureDevKeys, mintDevToken } from '../src/tools/dev-keys.js';
import { PUBLIC_BASE, hookBody, startStack, type TestStack } from './support/stack.js';

// `npm run token`: the development key pair is created on first use, the private half kept to its
// owner, and a token it mints is accepted by the service trusting the dev issuer (as the compose
// setup does), once: each call needs a new token.

const dir = join(mkdtempSync(join(tmpdir(), 'heme-dev-keys-')), 'dev-keys');
let jwksServer: Server;
let stack: TestStack;

beforeAll(async () => {
  await ensureDevKeys(dir);
  // Stands in for the compose setup's dev-jwks service: the public key file over HTTP.
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(readFileSync(join(dir, 'jwks.json')));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  stack = await startStack({ clients: [{ iss: DEV_ISSUER, jwks_url: jwksUrl }] });
}, 90_000);
afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});

describe('development key pair', () => {
  it('is created once, the private key readable by its owner only, the key set public only', async () => {
    const again = await ensureDevKeys(dir);
    expect(again.created).toBe(false);
    expect(statSync(join(dir, 'private.jwk.json')).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8')) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(jwks.keys[0]?.kid).toBe(again.kid);
  });
});

describe('npm run token', () => {
  const aud = `${PUBLIC_BASE}/cds-services/heme-patient-view`;

  it('mints a short-lived CDS Hooks client token for one service', async () => {
    const token = await mintDevToken(await ensureDevKeys(dir), { audience: aud });
    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES384', typ: 'JWT' });
    expect(claims).toMatchObject({ iss: DEV_ISSUER, sub: DEV_ISSUER, aud });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(typeof claims.jti).toBe('string');
  });

  it('gives a call the service accepts, once; without it the call is 401', async () => {
    const token = await mintDevToken(await ensureDevKeys(dir), { audience: aud });
    // Every prefetch key answered "no data", so no FHIR server is needed.
    const prefetch = Object.keys(stack.runtime.deps.services.find((sv) => sv.id === 'heme-patient-view')?.prefetch ?? {});
    const body = hookBody('patient-view', 'pat-mgus', { prefetch: Object.fromEntries(prefetch.map((k) => [k, null])) });
    const accepted = await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${token}`).send(body);
    expect(accepted.status).toBe(200);
    const replayed = await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${token}`).send(body);
    expect(replayed.status).toBe(401);
    expect((await request(stack.app).post('/cds-services/heme-patient-view').send(body)).status).toBe(401);
  });

  it('is refused by another service (audience)', async () => {
    const token = await mintDevToken(await ensureDevKeys(dir), { audience: aud });
    const res = await request(stack.app).post('/cds-services/heme-order-sign').set('Authorization', `Bearer ${token}`).send(hookBody('order-sign', 'pat-mgus', { context: { draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [] } } }));
    expect(res.status).toBe(401);
  });
});
