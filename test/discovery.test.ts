import request from 'supertest';
import { validateDiscovery } from '../src/protocol/schemas/index.js';
import { startStack, type TestStack } from './support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('discovery', () => {
  test('lists the three services with valid prefetch templates', async () => {
    const res = await request(stack.app).get('/cds-services').set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(validateDiscovery(res.body)).toEqual({ ok: true });
    const { services } = res.body as { services: { id: string; hook: string; prefetch: Record<string, string> }[] };
    const byId = Object.fromEntries(services.map((s) => [s.id, s]));
    expect(byId['heme-patient-view']?.hook).toBe('patient-view');
    expect(byId['heme-order-select']?.hook).toBe('order-select');
    expect(byId['heme-order-sign']?.hook).toBe('order-sign');
    for (const s of services) {
      for (const template of Object.values(s.prefetch)) {
        // Only root-level primitive context tokens (CDS Hooks 2.0 §Prefetch tokens).
        for (const token of template.match(/\{\{[^}]*\}\}/g) ?? []) expect(token).toBe('{{context.patientId}}');
      }
    }
    const pv = byId['heme-patient-view']?.prefetch ?? {};
    expect(pv.patient).toBe('Patient/{{context.patientId}}');
    expect(pv.observations).toMatch(/^Observation\?patient=\{\{context\.patientId\}\}&code=.*http:\/\/loinc\.org\|1952-1.*&_sort=-date/);
    expect(pv.conditions).toBe('Condition?patient={{context.patientId}}&_count=1000');
    expect(pv.medicationRequests).toMatch(/^MedicationRequest\?patient=/);
    // Vaccinations are read from Immunization (bispecific-vaccination-timing on the order hooks).
    for (const id of ['heme-order-select', 'heme-order-sign']) expect(byId[id]?.prefetch?.immunizations).toBe('Immunization?patient={{context.patientId}}&_count=1000');
  });

  test('is open without a token and answers CORS preflights', async () => {
    const pre = await request(stack.app)
      .options('/cds-services/heme-patient-view')
      .set('Origin', 'https://sandbox.cds-hooks.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(pre.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    expect(pre.headers['access-control-allow-headers']).toMatch(/Content-Type/i);
    const fb = await request(stack.app).options('/cds-services/heme-patient-view/feedback').set('Origin', 'https://x.example').set('Access-Control-Request-Method', 'POST');
    expect(fb.status).toBeLessThan(300);
    expect(fb.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('health, readiness, metrics, sources', () => {
  test('healthz and readyz', async () => {
    expect((await request(stack.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(stack.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: true, rules: true });
  });

  test('metrics expose requests, cards, fallback and timeouts', async () => {
    await request(stack.app).get('/cds-services');
    const res = await request(stack.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/heme_cds_requests_total\{service="discovery",status="200"\} \d+/);
    expect(res.text).toMatch(/heme_cds_request_duration_seconds_bucket/);
    expect(res.text).toMatch(/# TYPE heme_cds_cards_total counter/);
    expect(res.text).toMatch(/# TYPE heme_cds_fhir_fallback_requests_total counter/);
    expect(res.text).toMatch(/# TYPE heme_cds_timeouts_total counter/);
  });

  test('every cited seed section resolves to an anchor in the served source', async () => {
    for (const [doc, anchors] of stack.runtime.deps.citedAnchors) {
      const res = await request(stack.app).get(`/sources/${doc}`);
      expect(res.status).toBe(200);
      for (const anchor of anchors) expect(res.text).toContain(`id="${anchor.id}"`);
    }
    for (const [doc, sections] of stack.runtime.deps.citedSections) {
      const ids = (stack.runtime.deps.citedAnchors.get(doc) ?? []).map((a) => a.id);
      for (const section of sections) expect(ids.some((id) => id.startsWith(stack.runtime.deps.slug(section)))).toBe(true);
    }
    expect((await request(stack.app).get('/sources/999')).status).toBe(404);
  });

  test('the sources index links every document and carries the anchor service cards point to', async () => {
    const res = await request(stack.app).get('/sources');
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="service"');
    for (const doc of stack.runtime.deps.citedSections.keys()) expect(res.text).toContain(`href="sources/${doc}"`);
  });
});
