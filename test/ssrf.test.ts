import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startJwtIssuer, type JwtIssuer } from './support/jwt-issuer.js';
import { hookBody, PUBLIC_BASE, startStack, type TestStack } from './support/stack.js';

// Issue 13 item 4: a caller's fhirServer is contacted only when the calling client listed it (or a
// base above it) in `fhir_servers`; with authentication off, only loopback servers. Real HTTP
// servers on 127.0.0.1 count what reaches them.

interface Recorder {
  base: string;
  hits: { url: string; authorization?: string }[];
  close(): Promise<void>;
}

async function startRecorder(handler?: (url: string, res: import('node:http').ServerResponse) => boolean): Promise<Recorder> {
  const hits: Recorder['hits'] = [];
  const server: Server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (handler?.(req.url ?? '', res)) return;
    const patient = /\/Patient\/([^/?]+)$/.exec(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    res.end(JSON.stringify(patient ? { resourceType: 'Patient', id: patient[1] } : { resourceType: 'Bundle', type: 'searchset', entry: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TOKEN = 'fhir-access-token-ssrf-test';
const fhirAuthorization = { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'heme-cds' };
type Card = { source: { topic?: { code?: string } } };
/** The card topics of a hook response body. */
const topics = (body: unknown) => (body as { cards: Card[] }).cards.map((c) => c.source.topic?.code);

describe('with trusted clients', () => {
  let issuer: JwtIssuer;
  let allowed: Recorder;
  let other: Recorder;
  let redirector: Recorder;
  let stack: TestStack;

  beforeAll(async () => {
    issuer = await startJwtIssuer();
    [allowed, other] = await Promise.all([startRecorder(), startRecorder()]);
    redirector = await startRecorder((url, res) => {
      res.writeHead(302, { location: `${other.base}${url}` }).end();
      return true;
    });
    stack = await startStack({
      clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl, fhir_servers: [`${allowed.base}/fhir`, `${redirector.base}/fhir/`] }],
    });
  });
  afterAll(async () => {
    await stack.close();
    await Promise.all([issuer.close(), allowed.close(), other.close(), redirector.close()]);
  });

  async function call(fhirServer: string) {
    const jwt = await issuer.sign({ aud: `${PUBLIC_BASE}/cds-services/heme-patient-view` });
    return request(stack.app)
      .post('/cds-services/heme-patient-view')
      .set('Authorization', `Bearer ${jwt}`)
      .send(hookBody('patient-view', 'pat-ssrf', { fhirServer, fhirAuthorization }));
  }

  test.each(['/fhir', '/fhir/', '/fhir/tenant-a'])('a listed server (%s) is contacted, with the token', async (path) => {
    const before = allowed.hits.length;
    const res = await call(`${allowed.base}${path}`);
    expect(res.status).toBe(200);
    const hits = allowed.hits.slice(before);
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      expect(h.url.startsWith(path === '/fhir/tenant-a' ? '/fhir/tenant-a/' : '/fhir/')).toBe(true);
      expect(h.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(topics(res.body)).not.toContain('service.data-unavailable');
  });

  test.each([
    ['another server', () => `${other.base}/fhir`],
    ['another path on a listed host', () => `${allowed.base}/admin`],
    ['a longer path sharing the prefix', () => `${allowed.base}/fhirx`],
    ['dot segments out of the base', () => `${allowed.base}/fhir/../admin`],
    ['a query smuggled into the base', () => `${allowed.base}/fhir?x=`],
  ])('%s is never contacted: data-unavailable card, warning naming the client, no token in the log', async (_name, server) => {
    const before = { allowed: allowed.hits.length, other: other.hits.length };
    const logStart = stack.logs.length;
    const res = await call(server());
    expect(res.status).toBe(200);
    expect(topics(res.body)).toContain('service.data-unavailable');
    expect(allowed.hits.length).toBe(before.allowed);
    expect(other.hits.length).toBe(before.other);
    const lines = stack.logs.slice(logStart).join('');
    const warning = lines.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'fhir-server.refused');
    expect(warning).toMatchObject({ level: 'warn', iss: issuer.iss });
    expect(String(warning?.msg)).toContain(issuer.iss);
    expect(lines).not.toContain(TOKEN);
  });

  test('a redirect from a listed server is not followed (the target never sees the token)', async () => {
    const before = { redirector: redirector.hits.length, other: other.hits.length };
    const res = await call(`${redirector.base}/fhir`);
    expect(res.status).toBe(200);
    expect(redirector.hits.length).toBeGreaterThan(before.redirector);
    expect(other.hits.length).toBe(before.other);
    expect(topics(res.body)).toContain('service.data-unavailable');
  });
});

describe('with authentication off (loopback development)', () => {
  let stack: TestStack;
  let local: Recorder;
  beforeAll(async () => {
    [stack, local] = await Promise.all([startStack(), startRecorder()]);
  });
  afterAll(async () => {
    await stack.close();
    await local.close();
  });

  test('a loopback FHIR server is contacted', async () => {
    const res = await request(stack.app).post('/cds-services/heme-patient-view').send(hookBody('patient-view', 'pat-ssrf', { fhirServer: `${local.base}/fhir` }));
    expect(res.status).toBe(200);
    expect(local.hits.length).toBeGreaterThan(0);
  });

  test('a non-loopback FHIR server is refused: 200 with the data-unavailable card, not 412', async () => {
    // `.invalid` never resolves (RFC 6761), so even a regression sends nothing anywhere.
    const logStart = stack.logs.length;
    const res = await request(stack.app).post('/cds-services/heme-patient-view').send(hookBody('patient-view', 'pat-ssrf', { fhirServer: 'http://fhir.invalid/fhir' }));
    expect(res.status).toBe(200);
    expect(topics(res.body)).toContain('service.data-unavailable');
    expect(stack.logs.slice(logStart).join('')).toContain('"event":"fhir-server.refused"');
  });
});
