import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { createAuthenticator, loadTrustedClients, type AuthOptions } from '../src/protocol/auth.js';
import { createStorage, type Storage } from '../src/storage/index.js';
import { startJwtIssuer, type JwtIssuer } from './support/jwt-issuer.js';

const SERVICE = 'https://cds.example.org/cds-services/heme-myeloma';
const OTHER_SERVICE = 'https://cds.example.org/cds-services/heme-cml';
const DISCOVERY = 'https://cds.example.org/cds-services';
const TENANT_ISS = 'https://tenant-ehr.example.org';

let storage: Storage;
let es: JwtIssuer;
let rs: JwtIssuer;
let canary: Server;
let canaryHits = 0;
let canaryUrl: string;

function b64url(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

function options(over: Partial<AuthOptions> = {}): AuthOptions {
  return {
    clients: [
      { iss: es.iss, jwks_url: es.jwksUrl },
      { iss: rs.iss, jwks_url: rs.jwksUrl },
      { iss: TENANT_ISS, jwks_url: es.jwksUrl, tenant: 'hospital-a' },
    ],
    algorithms: ['ES384', 'RS384'],
    replay: storage,
    ...over,
  };
}

beforeAll(async () => {
  storage = await createStorage({ dataDir: '/unused', memory: true });
  es = await startJwtIssuer({ alg: 'ES384' });
  rs = await startJwtIssuer({ alg: 'RS384' });
  canary = createServer((_req, res) => {
    canaryHits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await es?.close();
  await rs?.close();
  await new Promise<void>((resolve) => (canary ? canary.close(() => resolve()) : resolve()));
  await storage?.close();
});

describe('accepted tokens', () => {
  let a: ReturnType<typeof createAuthenticator>;
  beforeAll(() => {
    a = createAuthenticator(options());
  });

  test('valid ES384', async () => {
    const token = await es.sign({ aud: SERVICE });
    const r = await a.verify(`Bearer ${token}`, [SERVICE]);
    expect(r).not.toBeNull();
    expect(r?.iss).toBe(es.iss);
    expect(r?.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(r).not.toHaveProperty('tenant');
  });

  test('valid RS384', async () => {
    const jti = randomUUID();
    const r = await a.verify(`Bearer ${await rs.sign({ aud: SERVICE, jti })}`, [SERVICE]);
    expect(r).toEqual({ iss: rs.iss, jti, fhirServers: [] });
  });

  test('aud as an array containing the service URL', async () => {
    const token = await es.sign({ aud: ['https://elsewhere.example', SERVICE] });
    expect(await a.verify(`Bearer ${token}`, [SERVICE])).not.toBeNull();
  });

  test('trailing slash on either side', async () => {
    expect(await a.verify(`Bearer ${await es.sign({ aud: SERVICE + '/' })}`, [SERVICE])).not.toBeNull();
    expect(await a.verify(`Bearer ${await es.sign({ aud: SERVICE })}`, [SERVICE + '/'])).not.toBeNull();
  });

  test('any of several accepted audiences', async () => {
    expect(await a.verify(`Bearer ${await es.sign({ aud: DISCOVERY })}`, [SERVICE, DISCOVERY])).not.toBeNull();
  });

  test('jku equal to the configured jwks_url', async () => {
    const token = await es.sign({ aud: SERVICE }, { jku: es.jwksUrl });
    expect(await a.verify(`Bearer ${token}`, [SERVICE])).not.toBeNull();
  });

  test('expired within the clock skew is still accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await es.sign({ aud: SERVICE, iat: now - 300, exp: now - 20 });
    expect(await a.verify(`Bearer ${token}`, [SERVICE])).not.toBeNull();
  });

  test('tenant match accepted and reported', async () => {
    const token = await es.sign({ aud: SERVICE, iss: TENANT_ISS, tenant: 'hospital-a' });
    const r = await a.verify(`Bearer ${token}`, [SERVICE]);
    expect(r).toMatchObject({ iss: TENANT_ISS, tenant: 'hospital-a' });
  });
});

describe('rejected tokens', () => {
  let a: ReturnType<typeof createAuthenticator>;
  beforeAll(() => {
    a = createAuthenticator(options());
  });

  test.each([
    ['missing header', undefined],
    ['empty header', ''],
    ['Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['empty bearer', 'Bearer '],
    ['bearer only', 'Bearer'],
    ['garbage', 'Bearer not-a-jwt'],
    ['two segments', 'Bearer eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJ4In0'],
    ['three segments of junk', 'Bearer abc.def.ghi'],
    ['oversized', `Bearer ${'a'.repeat(9000)}.${'b'.repeat(10)}.${'c'.repeat(10)}`],
  ])('%s', async (_label, header) => {
    await expect(a.verify(header, [SERVICE])).resolves.toBeNull();
  });

  test('a valid token without the Bearer scheme', async () => {
    const token = await es.sign({ aud: SERVICE });
    await expect(a.verify(token, [SERVICE])).resolves.toBeNull();
  });

  test('alg none (with and without a signature part)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = b64url({ iss: es.iss, aud: SERVICE, exp: now + 300, iat: now, jti: randomUUID() });
    const head = b64url({ alg: 'none', typ: 'JWT' });
    await expect(a.verify(`Bearer ${head}.${body}.`, [SERVICE])).resolves.toBeNull();
    await expect(a.verify(`Bearer ${head}.${body}.AAAA`, [SERVICE])).resolves.toBeNull();
  });

  test('HS256 signed with the public key bytes (algorithm confusion)', async () => {
    const jwks = (await (await fetch(es.jwksUrl)).json()) as { keys: JWK[] };
    const jwk = jwks.keys[0];
    if (jwk === undefined) throw new Error('no key published');
    const pem = await exportSPKI((await importJWK(jwk, 'ES384')) as Parameters<typeof exportSPKI>[0]);
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(jwk))]) {
      const token = await new SignJWT({ iss: es.iss, aud: SERVICE, jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);
      await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
    }
  });

  test('signature by an untrusted key carrying a trusted kid', async () => {
    const trustedKid = decodeProtectedHeader(await es.sign({ aud: SERVICE })).kid;
    expect(typeof trustedKid).toBe('string');
    const { privateKey } = await generateKeyPair('ES384');
    const token = await new SignJWT({ iss: es.iss, aud: SERVICE, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', kid: trustedKid, typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test('a tampered payload', async () => {
    const [h, , s] = (await es.sign({ aud: SERVICE })).split('.');
    const now = Math.floor(Date.now() / 1000);
    const forged = b64url({ iss: es.iss, aud: SERVICE, exp: now + 300, iat: now, jti: randomUUID() });
    await expect(a.verify(`Bearer ${h}.${forged}.${s}`, [SERVICE])).resolves.toBeNull();
  });

  test('expired beyond the clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await es.sign({ aud: SERVICE, iat: now - 600, exp: now - 120 });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test.each(['exp', 'iat', 'jti', 'iss'])('missing %s', async (claim) => {
    const token = await es.sign({ aud: SERVICE, [claim]: undefined });
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).not.toHaveProperty(claim);
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test('missing aud', async () => {
    await expect(a.verify(`Bearer ${await es.sign({})}`, [SERVICE])).resolves.toBeNull();
  });

  test.each([
    ['another service', OTHER_SERVICE],
    ['the discovery URL on a service call', DISCOVERY],
    ['another host', 'https://evil.example.org/cds-services/heme-myeloma'],
    ['a prefix of the service URL', 'https://cds.example.org/cds-services/heme'],
  ])('aud of %s', async (_label, aud) => {
    await expect(a.verify(`Bearer ${await es.sign({ aud })}`, [SERVICE])).resolves.toBeNull();
  });

  test('no accepted audiences at all', async () => {
    await expect(a.verify(`Bearer ${await es.sign({ aud: SERVICE })}`, [])).resolves.toBeNull();
  });

  test('untrusted iss, even when signed by a trusted key', async () => {
    const token = await es.sign({ aud: SERVICE, iss: 'https://unknown-ehr.example.org' });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test("a trusted iss signed with another trusted client's key", async () => {
    const token = await rs.sign({ aud: SERVICE, iss: es.iss });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test('jku pointing at another server is refused without fetching it', async () => {
    const before = canaryHits;
    const token = await es.sign({ aud: SERVICE }, { jku: canaryUrl });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
    expect(canaryHits).toBe(before);
    expect(canaryHits).toBe(0);
  });

  test('unknown kid', async () => {
    const token = await es.sign({ aud: SERVICE }, { kid: 'no-such-kid' });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test('a replayed jti is refused the second time', async () => {
    const token = await es.sign({ aud: SERVICE });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.not.toBeNull();
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test('the same jti from two issuers is not a replay', async () => {
    const jti = randomUUID();
    await expect(a.verify(`Bearer ${await es.sign({ aud: SERVICE, jti })}`, [SERVICE])).resolves.not.toBeNull();
    await expect(a.verify(`Bearer ${await rs.sign({ aud: SERVICE, jti })}`, [SERVICE])).resolves.not.toBeNull();
  });

  test('iat one hour in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await es.sign({ aud: SERVICE, iat: now + 3600, exp: now + 3900 });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });

  test('tenant mismatch or missing for a tenant-bound client', async () => {
    const wrong = await es.sign({ aud: SERVICE, iss: TENANT_ISS, tenant: 'hospital-b' });
    await expect(a.verify(`Bearer ${wrong}`, [SERVICE])).resolves.toBeNull();
    const none = await es.sign({ aud: SERVICE, iss: TENANT_ISS });
    await expect(a.verify(`Bearer ${none}`, [SERVICE])).resolves.toBeNull();
  });

  test('a storage failure in the replay check rejects instead of throwing', async () => {
    const failing = createAuthenticator(
      options({
        replay: {
          rememberJti: () => Promise.reject(new Error('database down')),
        },
      }),
    );
    await expect(failing.verify(`Bearer ${await es.sign({ aud: SERVICE })}`, [SERVICE])).resolves.toBeNull();
  });
});

describe('key sets', () => {
  test('rotation: a new kid is fetched on demand and the old key keeps working while published', async () => {
    const issuer = await startJwtIssuer({ alg: 'ES384' });
    try {
      const a = createAuthenticator({
        clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }],
        algorithms: ['ES384'],
        replay: storage,
        jwksCooldownMs: 0,
      });
      const oldKidToken = () => issuer.sign({ aud: SERVICE });
      expect(await a.verify(`Bearer ${await oldKidToken()}`, [SERVICE])).not.toBeNull();
      const afterFirst = issuer.requests();
      expect(afterFirst).toBe(1);

      const preRotationToken = await oldKidToken();
      await issuer.rotateKey();
      const newKidToken = await issuer.sign({ aud: SERVICE });
      expect(decodeProtectedHeader(newKidToken).kid).not.toBe(decodeProtectedHeader(preRotationToken).kid);

      expect(await a.verify(`Bearer ${newKidToken}`, [SERVICE])).not.toBeNull();
      expect(issuer.requests()).toBe(afterFirst + 1);
      // Overlapping rotation: the previous key is still published, so its tokens still verify.
      expect(await a.verify(`Bearer ${preRotationToken}`, [SERVICE])).not.toBeNull();
      expect(issuer.requests()).toBe(afterFirst + 1);
    } finally {
      await issuer.close();
    }
  });

  test('unknown kids do not hammer the JWKS endpoint within the cooldown', async () => {
    const issuer = await startJwtIssuer({ alg: 'RS384' });
    try {
      const a = createAuthenticator({
        clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }],
        algorithms: ['RS384'],
        replay: storage,
        jwksCooldownMs: 60_000,
      });
      expect(await a.verify(`Bearer ${await issuer.sign({ aud: SERVICE })}`, [SERVICE])).not.toBeNull();
      expect(issuer.requests()).toBe(1);
      for (let i = 0; i < 5; i += 1) {
        const token = await issuer.sign({ aud: SERVICE }, { kid: `unknown-${i}` });
        expect(await a.verify(`Bearer ${token}`, [SERVICE])).toBeNull();
      }
      expect(issuer.requests()).toBe(1);
    } finally {
      await issuer.close();
    }
  });

  test('JWKS outage after a first successful verify: the cached key keeps working', async () => {
    const issuer = await startJwtIssuer({ alg: 'ES384' });
    const a = createAuthenticator({
      clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }],
      algorithms: ['ES384'],
      replay: storage,
      jwksCooldownMs: 0,
      jwksTimeoutMs: 500,
    });
    expect(await a.verify(`Bearer ${await issuer.sign({ aud: SERVICE })}`, [SERVICE])).not.toBeNull();
    await issuer.stop();
    await expect(fetch(issuer.jwksUrl)).rejects.toThrow();
    expect(await a.verify(`Bearer ${await issuer.sign({ aud: SERVICE })}`, [SERVICE])).not.toBeNull();
    // A kid that would need a refetch fails closed, without throwing.
    const unknown = await issuer.sign({ aud: SERVICE }, { kid: 'after-outage' });
    await expect(a.verify(`Bearer ${unknown}`, [SERVICE])).resolves.toBeNull();
    await issuer.close();
  });

  test('JWKS unreachable from the start: rejected, not thrown', async () => {
    const issuer = await startJwtIssuer({ alg: 'ES384' });
    const token = await issuer.sign({ aud: SERVICE });
    await issuer.stop();
    const a = createAuthenticator({
      clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }],
      algorithms: ['ES384'],
      replay: storage,
      jwksTimeoutMs: 500,
    });
    await expect(a.verify(`Bearer ${token}`, [SERVICE])).resolves.toBeNull();
  });
});

describe('construction', () => {
  test.each([['HS256'], ['HS384'], ['hs512'], ['none'], ['NONE']])('refuses algorithm %s even if listed', (alg) => {
    expect(() => createAuthenticator(options({ algorithms: ['ES384', alg] }))).toThrow(/not allowed/);
  });

  test('an empty algorithm list falls back to ES384 and RS384', async () => {
    const a = createAuthenticator(options({ algorithms: [] }));
    expect(await a.verify(`Bearer ${await es.sign({ aud: SERVICE })}`, [SERVICE])).not.toBeNull();
    expect(await a.verify(`Bearer ${await rs.sign({ aud: SERVICE })}`, [SERVICE])).not.toBeNull();
  });

  test('an algorithm outside the list is rejected', async () => {
    const a = createAuthenticator(options({ algorithms: ['ES384'] }));
    await expect(a.verify(`Bearer ${await rs.sign({ aud: SERVICE })}`, [SERVICE])).resolves.toBeNull();
  });

  test('no trusted clients: everything is rejected', async () => {
    const a = createAuthenticator(options({ clients: [] }));
    await expect(a.verify(`Bearer ${await es.sign({ aud: SERVICE })}`, [SERVICE])).resolves.toBeNull();
  });
});

describe('loadTrustedClients', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heme-clients-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, content: string): Promise<string> {
    const p = join(dir, name);
    await writeFile(p, content);
    return p;
  }

  test('no file configured means no clients', () => {
    expect(loadTrustedClients(undefined)).toEqual([]);
  });

  test('reads a valid file', async () => {
    const p = await file(
      'ok.json',
      JSON.stringify([
        { iss: 'https://ehr.example.org', jwks_url: 'https://ehr.example.org/.well-known/jwks.json' },
        { iss: 'https://ehr2.example.org', jwks_url: 'https://ehr2.example.org/jwks', tenant: 't1' },
      ]),
    );
    expect(loadTrustedClients(p)).toEqual([
      { iss: 'https://ehr.example.org', jwks_url: 'https://ehr.example.org/.well-known/jwks.json' },
      { iss: 'https://ehr2.example.org', jwks_url: 'https://ehr2.example.org/jwks', tenant: 't1' },
    ]);
  });

  test.each([
    ['not JSON', '{nope', /not valid JSON/],
    ['not an array', '{"iss":"x"}', /must be a JSON array/],
    ['an entry that is not an object', '["x"]', /entry 0: must be an object/],
    ['missing iss', '[{"jwks_url":"https://a/jwks"}]', /"iss"/],
    ['missing jwks_url', '[{"iss":"https://a"}]', /"jwks_url"/],
    ['bad jwks_url', '[{"iss":"https://a","jwks_url":"not a url"}]', /"jwks_url" is not a valid URL/],
    ['non-http jwks_url', '[{"iss":"https://a","jwks_url":"file:///etc/passwd"}]', /must be http/],
    ['empty tenant', '[{"iss":"https://a","jwks_url":"https://a/j","tenant":""}]', /"tenant"/],
    ['a typo in a field name', '[{"iss":"https://a","jwks_uri":"https://a/j"}]', /unknown field\(s\) jwks_uri/],
    [
      'a duplicate iss',
      '[{"iss":"https://a","jwks_url":"https://a/j"},{"iss":"https://a","jwks_url":"https://a/k"}]',
      /listed twice/,
    ],
  ])('throws on %s', async (label, content, message) => {
    const p = await file(`${label.replace(/\W+/g, '-')}.json`, content);
    expect(() => loadTrustedClients(p)).toThrow(message);
    expect(() => loadTrustedClients(p)).toThrow(/trusted clients file/);
  });

  test('throws on a missing file', () => {
    expect(() => loadTrustedClients(join(dir, 'absent.json'))).toThrow(/cannot read \(ENOENT\)/);
  });
});

describe('fhir_servers in the trusted clients file (issue 13 item 4)', () => {
  const write = (content: unknown) => {
    const file = join(mkdtempSync(join(tmpdir(), 'heme-clients-')), 'clients.json');
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  test('read in canonical form', () => {
    const [c] = loadTrustedClients(write([{ iss: 'https://ehr', jwks_url: 'https://ehr/jwks', fhir_servers: ['https://EHR.example.org/fhir/', 'http://127.0.0.1:8081'] }]));
    expect(c?.fhir_servers).toEqual(['https://ehr.example.org/fhir', 'http://127.0.0.1:8081']);
  });
  test.each([['not an array', 'https://x/fhir'], ['a query', ['https://x/fhir?a=1']], ['credentials', ['https://u:p@x/fhir']], ['not http', ['ftp://x/fhir']]])(
    'refused at start-up: %s',
    (_what, fhir_servers) => {
      expect(() => loadTrustedClients(write([{ iss: 'https://ehr', jwks_url: 'https://ehr/jwks', fhir_servers }]))).toThrow(/fhir_servers/);
    },
  );
});
