import request from 'supertest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { validateHemeResponse } from '../src/protocol/schemas/index.js';
import { fullPrefetch, hookBody, startStack, type TestStack } from './support/stack.js';

// End to end over real HTTP: supertest on the app, the demo FHIR server on a real socket.
let stack: TestStack;
let fhir: DemoFhirServer;
const NOW = new Date('2026-11-22T10:00:00Z');

beforeAll(async () => {
  [stack, fhir] = await Promise.all([startStack({ now: NOW }), startDemoFhirServer({ host: '127.0.0.1', port: 0 })]);
});
afterAll(async () => {
  await Promise.all([stack.close(), fhir.close()]);
});

function service(id: string) {
  const s = stack.runtime.deps.services.find((x) => x.id === id);
  if (!s) throw new Error(id);
  return s;
}

type Suggestion = { actions: { resource: Record<string, unknown> }[] };
type CardLike = {
  summary: string;
  detail?: string;
  indicator: string;
  source: { topic?: { code: string }; url: string };
  suggestions?: Suggestion[];
  extension?: Record<string, unknown>;
};
type HookAnswer = { cards: CardLike[] };

/** A hook call; a 200 answer is checked against the response schema before its body is read. */
async function call(id: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: HookAnswer }> {
  const res = await request(stack.app).post(`/cds-services/${id}`).set(headers).send(body as object);
  if (res.status === 200) {
    const v = validateHemeResponse(res.body);
    if (!v.ok) throw new Error(`invalid CDS Hooks response: ${v.errors.join('; ')}`);
  }
  return { status: res.status, body: res.body as HookAnswer };
}

/** The rule codes a card stands for: its topic, or every rule of a merged card (contract item 9). */
const codesOf = (c: CardLike): (string | undefined)[] => (c.extension?.['urn:heme-cds:rules'] as string[] | undefined) ?? [c.source.topic?.code];
const topics = (body: HookAnswer) => body.cards.flatMap(codesOf).sort();
const card = (body: HookAnswer, code: string): CardLike => {
  const found = body.cards.find((c) => codesOf(c).includes(code));
  if (!found) throw new Error(`no ${code} card`);
  return found;
};

// Every fixture patient with full prefetch and with FHIR fallback: test/scenarios.test.ts.
describe('patient-view cards', () => {
  test('ISS II for the new myeloma patient, in bokmål by default and English on request', async () => {
    const body = hookBody('patient-view', 'pat-new-myeloma', { fhirServer: fhir.baseUrl });
    const nb = await call('heme-patient-view', body);
    expect(card(nb.body, 'stage-iss').summary).toMatch(/ISS II\b/);
    expect(card(nb.body, 'stage-iss').detail).toMatch(/4,2/);
    const en = await call('heme-patient-view', { ...body, hookInstance: crypto.randomUUID() }, { 'Accept-Language': 'en-GB,en;q=0.9' });
    expect(card(en.body, 'stage-iss').summary).toMatch(/ISS II\b/);
    expect(card(en.body, 'stage-iss').detail).toMatch(/4\.2/);
    expect(card(en.body, 'stage-iss').source.url).toMatch(/^http:\/\/cds\.test\/sources\/003#/);
  });

  test('ISS III from a β2-microglobulin reported in nmol/L', async () => {
    const res = await call('heme-patient-view', hookBody('patient-view', 'pat-iss-nmol', { fhirServer: fhir.baseUrl }));
    expect(card(res.body, 'stage-iss').summary).toMatch(/ISS III\b/);
  });
});

describe('prefetch semantics', () => {
  test('412 when prefetch is missing and there is no fhirServer', async () => {
    const res = await call('heme-patient-view', hookBody('patient-view', 'pat-new-myeloma'));
    expect(res.status).toBe(412);
  });

  test('null prefetch values mean "no data": 200, no fetch, no 412', async () => {
    const prefetch = Object.fromEntries(Object.keys(service('heme-patient-view').prefetch).map((k) => [k, null]));
    const res = await call('heme-patient-view', hookBody('patient-view', 'pat-new-myeloma', { prefetch }));
    expect(res.status).toBe(200);
    expect(res.body.cards).toEqual([]);
  });

  test('an OperationOutcome or a Bundle of only OperationOutcomes counts as missing and is fetched', async () => {
    const full = await fullPrefetch(service('heme-patient-view').prefetch, fhir.baseUrl, 'pat-new-myeloma');
    const oo = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] };
    const prefetch = {
      ...full,
      observations: oo,
      conditions: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: oo, search: { mode: 'outcome' } }] },
    };
    const noServer = await call('heme-patient-view', hookBody('patient-view', 'pat-new-myeloma', { prefetch }));
    expect(noServer.status).toBe(412);
    const withServer = await call('heme-patient-view', hookBody('patient-view', 'pat-new-myeloma', { prefetch, fhirServer: fhir.baseUrl }));
    expect(withServer.status).toBe(200);
    expect(topics(withServer.body)).toContain('stage-iss');
    expect(topics(withServer.body)).not.toContain('service.data-unavailable');
  });

  test("a Patient for another id in prefetch is never used (refetched instead)", async () => {
    const full = await fullPrefetch(service('heme-patient-view').prefetch, fhir.baseUrl, 'pat-new-myeloma');
    const other = await fullPrefetch(service('heme-patient-view').prefetch, fhir.baseUrl, 'pat-bortezomib-no-valaciclovir');
    const res = await call(
      'heme-patient-view',
      hookBody('patient-view', 'pat-new-myeloma', { prefetch: { ...full, patient: other.patient, observations: other.observations } }),
    );
    // The foreign Patient counts as missing (and, with no fhirServer, that is a 412): never cards
    // computed from someone else's record.
    expect(res.status).toBe(412);
  });

  test('unknown extra prefetch keys, top-level extension and unknown context fields are ignored', async () => {
    const prefetch = await fullPrefetch(service('heme-patient-view').prefetch, fhir.baseUrl, 'pat-new-myeloma');
    const body = hookBody('patient-view', 'pat-new-myeloma', {
      prefetch: { ...prefetch, zzz: { resourceType: 'Basic' } },
      extension: { 'org.example.x': { a: 1 } },
      context: { 'org_example_flag': true },
    });
    const res = await call('heme-patient-view', body);
    expect(res.status).toBe(200);
    expect(topics(res.body)).toContain('stage-iss');
  });
});

describe('FHIR server failures', () => {
  let hanging: Server;
  let hangingUrl: string;
  beforeAll(async () => {
    hanging = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/fhir`;
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise((r) => hanging.close(r));
  });

  test('connection refused: 200 with the data-unavailable card', async () => {
    const res = await call('heme-patient-view', hookBody('patient-view', 'pat-new-myeloma', { fhirServer: 'http://127.0.0.1:9/fhir' }));
    expect(res.status).toBe(200);
    expect(topics(res.body)).toContain('service.data-unavailable');
  });

  /** A FHIR server in front of the demo one: delays, counts in-flight requests, or fails with `status`. */
  async function proxy(opts: { delayMs: number; status?: number }) {
    const seen = { inFlight: 0, maxInFlight: 0, requests: 0, authorization: new Set<string>() };
    const server = createServer((req, res) => {
      seen.requests += 1;
      seen.inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      seen.authorization.add(String(req.headers.authorization));
      setTimeout(() => {
        void (async () => {
          try {
            if (opts.status) {
              res.writeHead(opts.status, { 'content-type': 'application/fhir+json' });
              res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }));
              return;
            }
            const upstream = await fetch(`${fhir.baseUrl}${(req.url ?? '').replace(/^\/fhir/, '')}`, { headers: { accept: 'application/fhir+json' } });
            res.writeHead(upstream.status, { 'content-type': 'application/fhir+json' });
            res.end(await upstream.text());
          } finally {
            seen.inFlight -= 1;
          }
        })();
      }, opts.delayMs);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
    const close = () => new Promise((r) => { server.closeAllConnections(); server.close(r); });
    return { url, seen, close };
  }

  test('fallback queries go out at once, each with the bearer token, and give the same cards', async () => {
    const p = await proxy({ delayMs: 150 });
    try {
      const auth = { access_token: 'tok-123', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'heme-cds' };
      const res = await call('heme-patient-view', hookBody('patient-view', 'pat-bortezomib-no-valaciclovir', { fhirServer: p.url, fhirAuthorization: auth }));
      expect(res.status).toBe(200);
      expect(topics(res.body)).toEqual(expect.arrayContaining(['stage-iss', 'vzv-prophylaxis']));
      expect(topics(res.body)).not.toContain('service.data-unavailable');
      const queries = Object.keys(service('heme-patient-view').prefetch).length;
      // Every prefetch query was in flight at the same time (the Medication lookup follows them).
      expect(p.seen.maxInFlight).toBeGreaterThanOrEqual(queries);
      expect([...p.seen.authorization]).toEqual(['Bearer tok-123']);
    } finally {
      await p.close();
    }
  });

  test.each([500, 401, 404])('a FHIR server answering %i: 200 with the data-unavailable card', async (status) => {
    const p = await proxy({ delayMs: 0, status });
    try {
      const res = await call('heme-patient-view', hookBody('patient-view', 'pat-new-myeloma', { fhirServer: p.url }));
      expect(res.status).toBe(200);
      expect(topics(res.body)).toEqual(['service.data-unavailable']);
    } finally {
      await p.close();
    }
  });

  test('a hanging server: answered within the deadline with the data-unavailable card', async () => {
    const t0 = Date.now();
    const res = await call('heme-patient-view', hookBody('patient-view', 'pat-new-myeloma', { fhirServer: hangingUrl }));
    const elapsed = Date.now() - t0;
    expect(res.status).toBe(200);
    expect(elapsed).toBeLessThan(2000);
    expect(topics(res.body)).toEqual(['service.data-unavailable']);
  });
});

describe('order hooks', () => {
  const bortezomibDraft = {
    resourceType: 'MedicationRequest',
    id: 'draft-bortezomib',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/pat-new-myeloma' },
    medicationCodeableConcept: {
      text: 'Bortezomib 1,3 mg/m2',
      coding: [{ system: 'http://www.whocc.no/atc', code: 'L01XG01', display: 'bortezomib' }],
    },
  };
  const valaciclovirDraft = {
    resourceType: 'MedicationRequest',
    id: 'draft-valaciclovir',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/pat-new-myeloma' },
    medicationCodeableConcept: { coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7180', code: 'J05AB11' }] },
  };
  const bundle = (...resources: object[]) => ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });

  test('order-sign: bortezomib without valaciclovir gives the missing-valaciclovir warning naming the order', async () => {
    const res = await call(
      'heme-order-sign',
      hookBody('order-sign', 'pat-new-myeloma', { fhirServer: fhir.baseUrl, context: { draftOrders: bundle(bortezomibDraft) } }),
    );
    expect(res.status).toBe(200);
    const found = card(res.body, 'vzv-prophylaxis');
    expect(found.indicator).toBe('warning');
    expect(found.summary).toMatch(/bortezomib/i);
    expect(found.summary).toMatch(/valaciklovir/i);
    expect(found.suggestions).toHaveLength(1);
  });

  test('accepting the suggestion (valaciclovir in the draft set) makes the card disappear', async () => {
    const first = await call(
      'heme-order-sign',
      hookBody('order-sign', 'pat-new-myeloma', { fhirServer: fhir.baseUrl, context: { draftOrders: bundle(bortezomibDraft) } }),
    );
    const found = card(first.body, 'vzv-prophylaxis');
    const created = { ...found.suggestions?.[0]?.actions[0]?.resource, id: 'accepted-valaciclovir' };
    const second = await call(
      'heme-order-sign',
      hookBody('order-sign', 'pat-new-myeloma', { fhirServer: fhir.baseUrl, context: { draftOrders: bundle(bortezomibDraft, created) } }),
    );
    expect(topics(second.body)).not.toContain('vzv-prophylaxis');
    const third = await call(
      'heme-order-sign',
      hookBody('order-sign', 'pat-new-myeloma', { fhirServer: fhir.baseUrl, context: { draftOrders: bundle(bortezomibDraft, valaciclovirDraft) } }),
    );
    expect(topics(third.body)).not.toContain('vzv-prophylaxis');
  });

  test('order-select: info card only when the PI order is among the selections', async () => {
    const drafts = bundle(bortezomibDraft, { ...valaciclovirDraft, id: 'other', medicationCodeableConcept: { text: 'Paracetamol' } });
    const selected = await call(
      'heme-order-select',
      hookBody('order-select', 'pat-new-myeloma', {
        fhirServer: fhir.baseUrl,
        context: { draftOrders: drafts, selections: ['MedicationRequest/draft-bortezomib'] },
      }),
    );
    const found = card(selected.body, 'vzv-prophylaxis');
    expect(found.indicator).toBe('info');
    const notSelected = await call(
      'heme-order-select',
      hookBody('order-select', 'pat-new-myeloma', {
        fhirServer: fhir.baseUrl,
        context: { draftOrders: drafts, selections: ['MedicationRequest/other'] },
      }),
    );
    expect(topics(notSelected.body)).not.toContain('vzv-prophylaxis');
  });

  test('medicationReference to a contained Medication and to a Medication in the draft bundle', async () => {
    const contained = {
      resourceType: 'MedicationRequest',
      id: 'draft-dara',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/pat-new-myeloma' },
      contained: [{ resourceType: 'Medication', id: 'm1', code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1721947' }] } }],
      medicationReference: { reference: '#m1' },
    };
    const bundled = {
      resourceType: 'MedicationRequest',
      id: 'draft-carfilzomib',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/pat-new-myeloma' },
      medicationReference: { reference: 'Medication/med-cfz' },
    };
    const med = { resourceType: 'Medication', id: 'med-cfz', code: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01XG02' }] } };
    const res = await call(
      'heme-order-sign',
      hookBody('order-sign', 'pat-new-myeloma', { fhirServer: fhir.baseUrl, context: { draftOrders: bundle(contained, bundled, med) } }),
    );
    const vzv = res.body.cards.filter((c) => c.source.topic?.code === 'vzv-prophylaxis');
    expect(vzv).toHaveLength(2);
  });

  test('the sandbox DSTU2/STU3 shapes are read without crashing', async () => {
    const dstu2 = {
      resourceType: 'MedicationOrder',
      id: 'order-123',
      status: 'draft',
      patient: { reference: 'Patient/pat-new-myeloma' },
      dateWritten: '2026-11-22',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '358258' }] },
    };
    const stu3 = { resourceType: 'MedicationRequest', id: 'request-123', status: 'draft', subject: { reference: 'Patient/pat-new-myeloma' } };
    const res = await call(
      'heme-order-sign',
      hookBody('order-sign', 'pat-new-myeloma', {
        fhirServer: fhir.baseUrl,
        context: { userId: 'Practitioner/COREPRACTITIONER1', draftOrders: { resourceType: 'Bundle', entry: [{ resource: dstu2 }, { resource: stu3 }] } },
      }),
    );
    expect(res.status).toBe(200);
    expect(topics(res.body)).toContain('vzv-prophylaxis');
  });

  test.each([
    ['DSTU2 MedicationOrder, RxNorm only', { resourceType: 'MedicationOrder', id: 'mo-1', status: 'draft', patient: { reference: 'Patient/pat-cml-pregnant' }, dateWritten: '2026-11-22', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '282388' }] } }],
    ['STU3 MedicationRequest, no intent, ATC under the Norwegian OID', { resourceType: 'MedicationRequest', id: 'mr-1', status: 'draft', subject: { reference: 'Patient/pat-cml-pregnant' }, medicationCodeableConcept: { coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7180', code: 'L01EA01' }] } }],
  ])('TKI in pregnancy from the sandbox shape: %s', async (_name, draft) => {
    const res = await call(
      'heme-order-sign',
      hookBody('order-sign', 'pat-cml-pregnant', { fhirServer: fhir.baseUrl, context: { draftOrders: { resourceType: 'Bundle', entry: [{ resource: draft }] } } }),
    );
    expect(res.status).toBe(200);
    const found = card(res.body, 'cml-tki-pregnancy');
    expect(found.indicator).toBe('critical');
  });

  test('patient-view shows the missing valaciclovir for a patient on bortezomib', async () => {
    const res = await call('heme-patient-view', hookBody('patient-view', 'pat-bortezomib-no-valaciclovir', { fhirServer: fhir.baseUrl }));
    const found = card(res.body, 'vzv-prophylaxis');
    expect(found.indicator).toBe('warning');
    expect(found.suggestions?.[0]?.actions[0]?.resource.resourceType).toBe('MedicationRequest');
  });
});

describe('bad input never gets a 5xx', () => {
  const valid = () => hookBody('patient-view', 'pat-new-myeloma', { fhirServer: 'http://127.0.0.1:9/fhir' });
  const cases: [string, () => request.Test, number][] = [
    ['malformed JSON', () => request(stack.app).post('/cds-services/heme-patient-view').set('Content-Type', 'application/json').send('{"hook":'), 400],
    ['empty body', () => request(stack.app).post('/cds-services/heme-patient-view').set('Content-Type', 'application/json').send(''), 400],
    ['array body', () => request(stack.app).post('/cds-services/heme-patient-view').send([]), 400],
    ['number body', () => request(stack.app).post('/cds-services/heme-patient-view').set('Content-Type', 'application/json').send('42'), 400],
    ['missing hook', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), hook: undefined }), 400],
    ['wrong hook for the service', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), hook: 'order-sign' }), 400],
    ['hook is a number', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), hook: 123 }), 400],
    ['missing hookInstance', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), hookInstance: undefined }), 400],
    ['missing context', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), context: undefined }), 400],
    ['context is a string', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), context: 'abc' }), 400],
    ['missing patientId', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), context: { userId: 'Practitioner/x' } }), 400],
    ['patientId is a number', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), context: { userId: 'Practitioner/x', patientId: 123 } }), 400],
    ['selection not in draftOrders', () =>
      request(stack.app).post('/cds-services/heme-order-select').send(
        hookBody('order-select', 'p1', { context: { selections: ['MedicationRequest/nope'], draftOrders: { resourceType: 'Bundle', entry: [] } } }),
      ), 400],
    ['missing draftOrders on order-sign', () => request(stack.app).post('/cds-services/heme-order-sign').send(hookBody('order-sign', 'p1')), 400],
    ['fhirAuthorization without fhirServer', () =>
      request(stack.app).post('/cds-services/heme-patient-view').send({
        ...valid(), fhirServer: undefined,
        fhirAuthorization: { access_token: 'x', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'c' },
      }), 400],
    ['prefetch is an array', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), prefetch: [] }), 400],
    ['fhirServer not a URL', () => request(stack.app).post('/cds-services/heme-patient-view').send({ ...valid(), fhirServer: 'not a url' }), 400],
    ['text/plain content type', () => request(stack.app).post('/cds-services/heme-patient-view').set('Content-Type', 'text/plain').send(JSON.stringify(valid())), 415],
    ['body over the limit', () =>
      request(stack.app).post('/cds-services/heme-patient-view').set('Content-Type', 'application/json').send(`{"x":"${'a'.repeat(6 * 1024 * 1024)}"}`), 413],
    ['10 000-deep nesting in context', () =>
      request(stack.app).post('/cds-services/heme-patient-view').set('Content-Type', 'application/json')
        .send(`{"hook":"patient-view","hookInstance":"${crypto.randomUUID()}","context":{"userId":"Practitioner/x","patientId":"p","deep":${'['.repeat(10000)}${']'.repeat(10000)}}}`), 412],
    ['unknown service', () => request(stack.app).post('/cds-services/does-not-exist').send(valid()), 404],
    ['GET on a service', () => request(stack.app).get('/cds-services/heme-patient-view'), 404],
  ];
  test.each(cases.map(([name, send, status]) => [name, status, send] as const))('%s → %i', async (_name, status, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    if (status !== 200) expect((res.body as { resourceType?: string }).resourceType).toBe('OperationOutcome');
  });
});
