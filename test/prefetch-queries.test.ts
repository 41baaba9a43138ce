import request from 'supertest';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { medicationQueries, resolvePrefetch } from '../src/protocol/prefetch.js';
import { MAX_QUERY_URL_LENGTH, MAX_TEMPLATE_LENGTH } from '../src/services.js';
import { hookBody, startStack, type TestStack } from './support/stack.js';

// Prefetch templates and fallback queries must work on common FHIR servers: no query URL over
// 2,048 characters (longer GETs are refused by many servers and proxies), paging followed to the
// end (servers cap `_count`, HAPI at its max page size), and a search that cannot be read whole
// counts as unavailable rather than passing a part of the record for all of it.

const LONGEST_ID = 'p'.repeat(64);
const LONG_BASE = `https://${'fhir-gateway.'.repeat(10)}example.org/fhir/r4`.slice(0, 150);

let stack: TestStack;
let fhir: DemoFhirServer;
let paged: DemoFhirServer;
beforeAll(async () => {
  [stack, fhir, paged] = await Promise.all([
    // Pages come one after another: room for them on a loaded test machine.
    startStack({ env: { CDS_DEADLINE_MS: '20000' } }),
    startDemoFhirServer({ host: '127.0.0.1', port: 0 }),
    // A server that pages at 2 whatever `_count` asks: every search takes several pages.
    startDemoFhirServer({ host: '127.0.0.1', port: 0, maxPageSize: 2 }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([stack.close(), fhir.close(), paged.close()]);
});

const filled = (template: string): string => `${LONG_BASE}/${template.replace(/\{\{context\.patientId\}\}/g, LONGEST_ID)}`;

describe('query URL length', () => {
  test('every discovery template, filled with the longest id and a 150-character base, is at most 2,048 characters', async () => {
    const res = await request(stack.app).get('/cds-services');
    const { services } = res.body as { services: { prefetch?: Record<string, string> }[] };
    const templates = services.flatMap((s) => Object.values(s.prefetch ?? {}));
    expect(templates.length).toBeGreaterThan(10);
    expect(LONG_BASE.length).toBe(150);
    for (const t of templates) {
      expect(t.length).toBeLessThanOrEqual(MAX_TEMPLATE_LENGTH);
      expect({ template: t.slice(0, 40), length: filled(t).length <= MAX_QUERY_URL_LENGTH }).toEqual({ template: t.slice(0, 40), length: true });
    }
  });

  test('the observation codes are split over several keys and none is lost', () => {
    const service = stack.runtime.deps.services.find((s) => s.id === 'heme-patient-view');
    const keys = service?.prefetchKeys?.observations ?? [];
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys[0]).toBe('observations');
    const codes = keys.flatMap((k) => /&code=([^&]*)/.exec(service?.prefetch[k] ?? '')?.[1]?.split(',') ?? []);
    expect(new Set(codes).size).toBe(codes.length);
    const terminology = stack.runtime.deps.terminology;
    for (const kind of ['lab', 'observation', 'fish'] as const) {
      for (const id of terminology.conceptsOfKind(kind)) {
        for (const { system, code } of terminology.codesFor(id)) {
          if (system === 'http://unitsofmeasure.org') continue;
          expect(codes).toContain(`${system}|${code}`.replace(/[,&#%\s+]/g, (c) => encodeURIComponent(c)));
        }
      }
    }
  });

  test('the Medication fallback is split into queries of at most 2,048 characters', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `${i}-${'m'.repeat(60)}`);
    const queries = medicationQueries(ids);
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(`${LONG_BASE}/${q}`.length).toBeLessThanOrEqual(MAX_QUERY_URL_LENGTH);
    expect(queries.flatMap((q) => q.slice('Medication?_id='.length).split(','))).toEqual(ids);
  });
});

describe('paging over a real socket', () => {
  type TopicCard = { source: { topic: { code: string } }; extension?: { 'urn:heme-cds:rules'?: string[] } };
  // A rule's code is its card's topic, or listed on a merged card (contract item 9).
  const topics = (cards: TopicCard[]) => cards.flatMap((c) => c.extension?.['urn:heme-cds:rules'] ?? [c.source.topic.code]).sort();
  const cardsOf = (res: { body: unknown }): TopicCard[] => (res.body as { cards: TopicCard[] }).cards;

  test('a server paging at 2 gives the same cards as one page: every next link is followed', async () => {
    const call = (base: string) => request(stack.app).post('/cds-services/heme-patient-view').send(hookBody('patient-view', 'pat-new-myeloma', { fhirServer: base }));
    const [whole, inPages] = await Promise.all([call(fhir.baseUrl), call(paged.baseUrl)]);
    expect([whole.status, inPages.status]).toEqual([200, 200]);
    expect(topics(cardsOf(whole))).toContain('stage-iss');
    expect(topics(cardsOf(inPages))).toEqual(topics(cardsOf(whole)));
    expect(topics(cardsOf(inPages))).not.toContain('service.data-unavailable');
  });

  test('the server honours _count and the service reads every page: 16 observations in pages of 2', async () => {
    const service = stack.runtime.deps.services.find((s) => s.id === 'heme-patient-view');
    if (!service) throw new Error('heme-patient-view');
    const resolve = (maxPages: number) =>
      resolvePrefetch(service, { fhirServer: paged.baseUrl, context: { patientId: 'pat-new-myeloma' } }, { fetchDeadline: Date.now() + 30_000, perRequestTimeoutMs: 10_000, maxPages });
    const all = await resolve(20);
    expect(all.unavailable).toEqual([]);
    expect(all.input.resources.observations).toHaveLength(16);
    // More pages than the bound: the domain is unavailable (a card says so), never silently cut.
    const bounded = await resolve(2);
    expect(bounded.unavailable).toContain('observations');
  });
});
