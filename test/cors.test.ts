import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config.js';
import { startJwtIssuer, type JwtIssuer } from './support/jwt-issuer.js';
import { startStack, type TestStack } from './support/stack.js';

// Issue 13 item 8: `*` only in loopback development; with trusted clients only CORS_ORIGINS (none by default).
const EHR = 'https://ehr.example.org';
const OTHER = 'https://evil.example';
let issuer: JwtIssuer;
beforeAll(async () => {
  issuer = await startJwtIssuer();
});
afterAll(async () => {
  await issuer.close();
});

const preflight = (stack: TestStack, origin: string) =>
  request(stack.app).options('/cds-services/heme-patient-view').set('Origin', origin).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization,content-type');

describe('with trusted clients', () => {
  test('no CORS_ORIGINS: no origin is allowed', async () => {
    const stack = await startStack({ clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }] });
    try {
      for (const origin of [EHR, OTHER]) {
        expect((await preflight(stack, origin)).headers['access-control-allow-origin']).toBeUndefined();
        expect((await request(stack.app).get('/cds-services').set('Origin', origin)).headers['access-control-allow-origin']).toBeUndefined();
      }
    } finally {
      await stack.close();
    }
  });

  test('CORS_ORIGINS lists the origins allowed, and only those', async () => {
    const stack = await startStack({ clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }], env: { CORS_ORIGINS: `${EHR},https://sandbox.cds-hooks.org` } });
    try {
      const ok = await preflight(stack, EHR);
      expect(ok.headers['access-control-allow-origin']).toBe(EHR);
      expect(ok.headers['access-control-allow-headers']).toMatch(/Authorization/i);
      expect((await request(stack.app).post('/cds-services/heme-patient-view').set('Origin', EHR).send({})).headers['access-control-allow-origin']).toBe(EHR);
      expect((await preflight(stack, OTHER)).headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await stack.close();
    }
  });

  test('CORS_ORIGINS=* refuses to start', async () => {
    await expect(startStack({ clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }], env: { CORS_ORIGINS: '*' } })).rejects.toThrow(ConfigError);
  });
});

describe('without trusted clients', () => {
  test('loopback development: * by default', async () => {
    const stack = await startStack();
    try {
      expect((await preflight(stack, OTHER)).headers['access-control-allow-origin']).toBe('*');
    } finally {
      await stack.close();
    }
  });

  test('CDS_AUTH=off on a public interface: no origin by default, and * refused', async () => {
    const env = { HOST: '0.0.0.0', CDS_AUTH: 'off', PSEUDONYM_SECRET: 'k'.repeat(32) };
    const stack = await startStack({ env });
    try {
      expect((await preflight(stack, OTHER)).headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await stack.close();
    }
    await expect(startStack({ env: { ...env, CORS_ORIGINS: '*' } })).rejects.toThrow(/only allowed in loopback development/);
  });
});

test('CORS_ORIGINS entries must be origins', () => {
  expect(() => loadConfig({ CORS_ORIGINS: 'https://ehr.example.org/' })).toThrow(/not an origin/);
  expect(() => loadConfig({ CORS_ORIGINS: 'ehr.example.org' })).toThrow(/not an origin/);
  expect(loadConfig({ CORS_ORIGINS: `${EHR}, http://127.0.0.1:3000` }).corsOrigins).toEqual([EHR, 'http://127.0.0.1:3000']);
});
