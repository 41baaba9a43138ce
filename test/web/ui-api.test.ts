import request from 'supertest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startDemoFhirServer, type DemoFhirServer } from '../../src/demo-fhir/server.js';
import { allRules } from '../../src/clinical/rules/index.js';
import { CONTENT_SECURITY_POLICY } from '../../src/web/routes.js';
import type { CatalogueEntry } from '../../src/web/catalogue.js';
import type { OrderableConcept } from '../../src/web/concepts.js';
import type { ResponseSeries } from '../../src/web/series.js';
import { hookBody, startStack, type TestStack } from '../support/stack.js';
import { loadScenarios } from '../support/scenarios.js';

// The page's server side over real HTTP: the page and its libraries, the data endpoints it reads,
// and that none of it opens a way around authentication.
// The real clock, as the page runs: the assertions are on values and on dates relative to each
// other, which hold whether or not the demo FHIR server moves the fixture dates to today.
const scenarios = loadScenarios();
/** The bodies of /ui/api/setup and /ui/api/concepts (src/web/routes.ts). */
interface Setup {
  auth: 'off' | 'required';
  demoFhirBase: string | null;
  services: { id: string; hook: string }[];
  patients: { id: string; responseCards: boolean }[];
}
interface Concepts {
  drugs: OrderableConcept[];
  procedures: OrderableConcept[];
}
const DAY_MS = 86_400_000;

let fhir: DemoFhirServer;
let runtime: Runtime;
let secured: TestStack;
let noDemo: TestStack;

beforeAll(async () => {
  fhir = await startDemoFhirServer({ host: '127.0.0.1', port: 0 });
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', PUBLIC_BASE_URL: 'http://cds.test', DEMO_FHIR: 'off', LOG_LEVEL: 'silent' });
  runtime = await createRuntime(config, { logger: createLogger('silent'), memoryStorage: true, demoFhirBaseUrl: fhir.baseUrl });
  // Trusted clients configured: every hook call needs a JWT (the JWKS is never reached in these tests).
  secured = await startStack({ clients: [{ iss: 'http://ehr.test', jwks_url: 'http://127.0.0.1:9/jwks.json' }] });
  noDemo = await startStack();
}, 60_000);
afterAll(async () => {
  await Promise.all([runtime.close(), secured.close(), noDemo.close(), fhir.close()]);
});

describe('the page and its assets', () => {
  test('GET / is the page, with a Content-Security-Policy that allows no inline script or style', async () => {
    const res = await request(runtime.app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('id="catalogue"');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Nothing inline: every script is a file from this origin.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=/);
  });

  test.each([
    ['/ui/app.js', /javascript/],
    ['/ui/style.css', /css/],
    ['/vendor/marked/marked.esm.js', /javascript/],
    ['/vendor/dompurify/purify.es.mjs', /javascript/],
    ['/vendor/uplot/uPlot.esm.js', /javascript/],
    ['/vendor/uplot/uPlot.min.css', /css/],
  ])('%s is served from this origin as %s', async (path, type) => {
    const res = await request(runtime.app).get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
  });

  test.each(['/vendor/marked/..%2f..%2fpackage.json', '/vendor/marked/%2e%2e/%2e%2e/package.json', '/ui/..%2fpackage.json', '/vendor/other/x.js', '/ui/api/nothing'])(
    '%s is not served (404)',
    async (path) => {
      const res = await request(runtime.app).get(path);
      expect([403, 404]).toContain(res.status);
      expect(res.text).not.toContain('"dependencies"');
    },
  );
});

describe('data endpoints', () => {
  test('setup lists every demo patient of fixtures/scenarios.json, flags those with response cards, and names the demo FHIR server', async () => {
    const res = await request(runtime.app).get('/ui/api/setup');
    expect(res.status).toBe(200);
    const setup = res.body as Setup;
    expect(setup.auth).toBe('off');
    expect(setup.demoFhirBase).toBe(fhir.baseUrl);
    const patients = setup.patients;
    expect(patients.map((p) => p.id)).toEqual(Object.keys(scenarios.patients));
    const flag = (id: string) => patients.find((p) => p.id === id)?.responseCards;
    expect([flag('pat-rsp-vgpr'), flag('pat-rsp-progression'), flag('pat-mgus'), flag('pat-cml-pregnant')]).toEqual([true, true, false, false]);
    expect(setup.services).toEqual([
      { id: 'heme-patient-view', hook: 'patient-view' },
      { id: 'heme-order-select', hook: 'order-select' },
      { id: 'heme-order-sign', hook: 'order-sign' },
    ]);
  });

  test('concepts are the drugs and procedures of the service terminology, each with a code an EHR could send', async () => {
    const res = await request(runtime.app).get('/ui/api/concepts');
    expect(res.status).toBe(200);
    const { drugs, procedures } = res.body as Concepts;
    const imatinib = drugs.find((c) => c.id === 'drug:imatinib');
    expect(imatinib?.codes[0]).toEqual({ system: 'http://www.whocc.no/atc', code: 'L01EA01' });
    expect(procedures.map((c) => c.id)).toContain('proc:stem-cell-apheresis');
    for (const c of [...drugs, ...procedures]) expect(c.codes.length).toBeGreaterThan(0);
    // A concept with no code (e.g. drug:hormonal-contraceptive: a site adds its codes) is left out.
    expect(drugs.map((c) => c.id)).not.toContain('drug:hormonal-contraceptive');
  });

  test('the catalogue has every rule, in the order the service runs them, with its seed quote and a working demo call', async () => {
    const res = await request(runtime.app).get('/ui/api/catalogue');
    expect(res.status).toBe(200);
    const { rules } = res.body as { rules: CatalogueEntry[] };
    expect(rules.map((r) => r.id)).toEqual(allRules.map((r) => r.id));
    for (const r of rules) {
      expect(r.citation?.quote.length).toBeGreaterThan(0);
      expect(r.citation?.url).toMatch(/^sources\/\d{3}#[a-z0-9-]+$/);
      for (const d of r.demos) expect(scenarios.patients[d.patientId]?.calls[d.call]?.expect).toContain(d.topic);
    }
    const tki = rules.find((r) => r.id === 'cml-tki-pregnancy');
    expect(tki?.indicators).toEqual({ fired: 'critical', notEvaluable: 'warning' });
    expect(tki?.hooks).toEqual(expect.arrayContaining(['order-select', 'order-sign']));
    expect(tki?.demos[0]).toMatchObject({ patientId: 'pat-cml-pregnant', topic: 'cml-tki-pregnancy' });
  });

  test('the series of a response patient: M-protein and FLC as the response rules read them, treatments, category per day', async () => {
    const res = await request(runtime.app).get('/ui/api/series/pat-rsp-vgpr');
    expect(res.status).toBe(200);
    const data = res.body as ResponseSeries;
    const serum = data.series.find((s) => s.concept === 'lab:mprotein');
    expect(serum?.unit).toBe('g/L');
    expect(serum?.points.map((p) => Math.round(p.value * 10) / 10)).toEqual([32, 11.2, 4.1, 2.8]);
    expect(serum?.baseline).toBe(serum?.points[0]?.date);
    expect(data.series.map((s) => s.concept)).toEqual(['lab:mprotein', 'lab:flc-kappa', 'lab:flc-lambda', 'dflc']);
    // Lenalidomide (with dexamethasone, which is no anti-myeloma drug of its own) started four days after the baseline sample.
    expect(data.treatments.map((t) => t.drugs)).toEqual([[{ nb: 'Lenalidomid', en: 'Lenalidomide' }]]);
    const days = (from: string | undefined, to: string | undefined) => Math.round((Date.parse(to ?? '') - Date.parse(from ?? '')) / DAY_MS);
    expect(days(serum?.baseline, data.treatments[0]?.date)).toBe(4);
    expect(data.therapyStart).toBe(data.treatments[0]?.date);
    // One category per measurement day after therapy start: PR, PR, then VGPR at the latest.
    expect(data.categories.map((c) => c.category)).toEqual(['PR', 'PR', 'VGPR']);
    expect(data.categories.map((c) => c.date.slice(0, 10))).toEqual(serum?.points.slice(1).map((p) => p.date.slice(0, 10)));
  });

  test('a patient who progressed ends in PD', async () => {
    const res = await request(runtime.app).get('/ui/api/series/pat-rsp-progression');
    expect(res.status).toBe(200);
    expect((res.body as ResponseSeries).categories.at(-1)?.category).toBe('PD');
  });

  test.each([
    ['an unknown id', 'pat-unknown'],
    ['a resource type', 'Patient'],
    ['a path', '..%2Fpat-mgus'],
    ['a 300-character id', 'x'.repeat(300)],
  ])('series of %s (not a demo patient) → 404', async (_label, id) => {
    const res = await request(runtime.app).get(`/ui/api/series/${id}`);
    expect(res.status).toBe(404);
  });

  test('with the demo FHIR server off, the series answers 404 and setup says so', async () => {
    expect(((await request(noDemo.app).get('/ui/api/setup')).body as Setup).demoFhirBase).toBeNull();
    expect((await request(noDemo.app).get('/ui/api/series/pat-rsp-vgpr')).status).toBe(404);
  });
});

describe('with authentication on', () => {
  test('the page and catalogue are served, setup says auth is required, and no patient data is given without a JWT', async () => {
    expect((await request(secured.app).get('/')).status).toBe(200);
    expect((await request(secured.app).get('/ui/api/catalogue')).status).toBe(200);
    const setup = (await request(secured.app).get('/ui/api/setup')).body as Setup;
    expect(setup.auth).toBe('required');
    expect(setup.demoFhirBase).toBeNull();
    expect((await request(secured.app).get('/ui/api/series/pat-rsp-vgpr')).status).toBe(403);
    // The hook endpoints the page would call still need a JWT.
    expect((await request(secured.app).post('/cds-services/heme-patient-view').send(hookBody('patient-view', 'pat-rsp-vgpr'))).status).toBe(401);
  });
});
