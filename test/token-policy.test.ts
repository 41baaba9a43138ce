import request from 'supertest';
import { startJwtIssuer, type JwtIssuer } from './support/jwt-issuer.js';
import { hookBody, noDataPrefetch, PUBLIC_BASE, startStack, type TestStack } from './support/stack.js';

// Issue 13 items 9 and 10: token lifetime limits, a warning per refused token saying why (never the
// token), and /metrics behind METRICS_TOKEN. Real keys, real signatures, the JWKS over HTTP.
const AUD = `${PUBLIC_BASE}/cds-services/heme-patient-view`;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const MAX_AGE = 100;
const MAX_LIFETIME = 300;
const SKEW = 5;
let issuer: JwtIssuer;
let stack: TestStack;

beforeAll(async () => {
  issuer = await startJwtIssuer();
  stack = await startStack({
    clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }],
    env: {
      METRICS_TOKEN,
      CDS_TOKEN_MAX_AGE_SECONDS: String(MAX_AGE),
      CDS_TOKEN_MAX_LIFETIME_SECONDS: String(MAX_LIFETIME),
      CDS_CLOCK_SKEW_SECONDS: String(SKEW),
    },
  });
});
afterAll(async () => {
  await stack.close();
  await issuer.close();
});

const body = () =>
  hookBody('patient-view', 'pat-token', {
    prefetch: noDataPrefetch(stack, { resourceType: 'Patient', id: 'pat-token', birthDate: '1960-01-01' }),
  });
const now = () => Math.floor(Date.now() / 1000);

async function callWith(token: string) {
  const logStart = stack.logs.length;
  const res = await request(stack.app).post('/cds-services/heme-patient-view').set('Authorization', `Bearer ${token}`).send(body());
  const lines = stack.logs
    .slice(logStart)
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: res.status, rejected: lines.filter((l) => l.event === 'auth.rejected'), raw: stack.logs.slice(logStart).join('') };
}

describe('token lifetime (item 9)', () => {
  test.each([
    ['exp exactly CDS_TOKEN_MAX_LIFETIME_SECONDS after iat', () => ({ iat: now(), exp: now() + MAX_LIFETIME }), 200],
    ['exp one second more', () => ({ iat: now(), exp: now() + MAX_LIFETIME + 1 }), 401],
    ['exp in the year 2100', () => ({ iat: now(), exp: 4102444800 }), 401],
    ['iat just inside CDS_TOKEN_MAX_AGE_SECONDS plus skew', () => ({ iat: now() - MAX_AGE - SKEW + 2, exp: now() + 60 }), 200],
    ['iat just outside', () => ({ iat: now() - MAX_AGE - SKEW - 2, exp: now() + 60 }), 401],
    ['iat a day old', () => ({ iat: now() - 86_400, exp: now() + 60 }), 401],
  ])('%s → %i', async (_name, claims, status) => {
    const token = await issuer.sign({ aud: AUD, ...claims() });
    const r = await callWith(token);
    expect(r.status).toBe(status);
    if (status === 401) expect(r.rejected[0]?.reason).toMatch(/lifetime over the maximum|issued too long ago/);
  });
});

describe('why a token was refused is logged at warn, without the token (item 10)', () => {
  const tamper = (t: string) => {
    const [h, p, sig] = t.split('.') as [string, string, string];
    return `${h}.${p}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
  };
  test.each<[string, () => Promise<string>, string]>([
    ['unknown issuer', () => issuer.sign({ aud: AUD, iss: 'https://unknown.example' }), 'unknown issuer'],
    ['jku not allowed', () => issuer.sign({ aud: AUD }, { jku: 'http://127.0.0.1:1/jwks.json' }), 'jku not allowed for this issuer'],
    ['unknown kid', () => issuer.sign({ aud: AUD }, { kid: 'no-such-kid' }), 'unknown kid'],
    ['bad signature', async () => tamper(await issuer.sign({ aud: AUD })), 'bad signature'],
    ['expired', () => issuer.sign({ aud: AUD, iat: now() - 90, exp: now() - 30 }), 'expired'],
    ['lifetime', () => issuer.sign({ aud: AUD, exp: now() + 3600 }), 'lifetime over the maximum'],
    ['wrong audience', () => issuer.sign({ aud: 'http://elsewhere.test/cds-services/heme-patient-view' }), 'wrong audience'],
  ])('%s', async (_name, make, reason) => {
    const token = await make();
    const r = await callWith(token);
    expect(r.status).toBe(401);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ level: 'warn', reason });
    expect(r.raw).not.toContain(token);
    expect(r.raw).not.toContain(token.split('.')[2]);
  });

  test('replayed', async () => {
    const token = await issuer.sign({ aud: AUD });
    expect((await callWith(token)).status).toBe(200);
    const r = await callWith(token);
    expect(r.status).toBe(401);
    expect(r.rejected[0]).toMatchObject({ level: 'warn', reason: 'replayed', iss: issuer.iss });
    expect(r.raw).not.toContain(token);
  });
});

describe('/metrics with authentication on (item 10)', () => {
  test.each([
    ['no token', undefined, 401],
    ['a wrong token', 'Bearer not-the-metrics-token', 401],
    ['a client JWT is not the metrics token', 'Bearer x.y.z', 401],
    ['METRICS_TOKEN', `Bearer ${METRICS_TOKEN}`, 200],
  ])('%s → %i', async (_name, header, status) => {
    const req = request(stack.app).get('/metrics');
    const res = await (header ? req.set('Authorization', header) : req);
    expect(res.status).toBe(status);
    if (status === 200) expect(res.text).toContain('heme_cds_requests_total');
  });
});

describe('/metrics with authentication off (loopback development)', () => {
  let open: TestStack;
  beforeAll(async () => {
    open = await startStack();
  });
  afterAll(async () => {
    await open.close();
  });
  test('answers without a token', async () => {
    expect((await request(open.app).get('/metrics')).status).toBe(200);
  });
});
