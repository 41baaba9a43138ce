import request from 'supertest';
import { validateResource } from '@medplum/core';
import type { Resource as MedplumResource } from '@medplum/fhirtypes';
import { readFileSync, writeFileSync } from 'node:fs';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { fromRoot } from '../src/paths.js';
import { fullPrefetch, hookBody, startStack, type TestStack } from './support/stack.js';
import { draftBundle, loadScenarios, scenarioMarkdown, scenarioSection, withScenarioSection, type ScenarioCall } from './support/scenarios.js';

// Every fixture patient through the real HTTP endpoint, for every hook call listed in
// fixtures/scenarios.json: once with full prefetch (as an EHR that honours the templates sends it)
// and once with no prefetch (the service fetches everything from the demo FHIR server over a socket). Both must
// give the cards the scenario lists, with the same summaries.
//
// RECORD_SCENARIOS=1 writes the cards actually returned into fixtures/scenarios.json (for review in
// the diff after a rule change); the assertions still run against what was recorded before.
const scenarios = loadScenarios();
const NOW = new Date(scenarios.now);
const RECORD = process.env.RECORD_SCENARIOS === '1';

let stack: TestStack;
let fhir: DemoFhirServer;
const prefetchCache = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  [stack, fhir] = await Promise.all([startStack({ now: NOW }), startDemoFhirServer({ host: '127.0.0.1', port: 0 })]);
});
afterAll(async () => {
  if (RECORD) {
    writeFileSync(fromRoot('fixtures', 'scenarios.json'), `${JSON.stringify(scenarios, null, 1)}\n`);
    const readme = fromRoot('fixtures', 'README.md');
    writeFileSync(readme, withScenarioSection(readFileSync(readme, 'utf8'), scenarioMarkdown(scenarios)));
  }
  await Promise.all([stack.close(), fhir.close()]);
});

const SERVICE = { 'patient-view': 'heme-patient-view', 'order-select': 'heme-order-select', 'order-sign': 'heme-order-sign' } as const;

type CardLike = { summary: string; indicator: string; source: { topic: { code: string } } };

async function prefetchFor(serviceId: string, patientId: string): Promise<Record<string, unknown>> {
  const key = `${serviceId}|${patientId}`;
  let cached = prefetchCache.get(key);
  if (!cached) {
    const service = stack.runtime.deps.services.find((s) => s.id === serviceId);
    if (!service) throw new Error(serviceId);
    cached = await fullPrefetch(service.prefetch, fhir.baseUrl, patientId);
    prefetchCache.set(key, cached);
  }
  return cached;
}

function bodyFor(call: ScenarioCall, patientId: string, extra: Record<string, unknown>) {
  if (call.hook === 'patient-view') return hookBody('patient-view', patientId, extra);
  const draftOrders = draftBundle(call.drafts ?? [], patientId, scenarios.now);
  const refs = (draftOrders.entry as { resource: { resourceType: string; id: string } }[]).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
  const context = call.hook === 'order-select' ? { draftOrders, selections: refs } : { draftOrders };
  return hookBody(call.hook, patientId, { ...extra, context });
}

const cases = Object.entries(scenarios.patients).flatMap(([patientId, p]) =>
  p.calls.map((call, i) => {
    const drafts = (call.drafts ?? []).map((d) => d.text + (d.dose ? ` ${d.dose.value} ${d.dose.unit}` : '') + (d.date ? ` ${d.date}` : '')).join(', ');
    return { name: `${patientId} ${call.hook}${drafts ? ` [${drafts}]` : ''} #${i + 1}`, patientId, call };
  }),
);

test('every fixture patient has at least one scenario call', () => {
  expect(cases.length).toBeGreaterThanOrEqual(Object.keys(scenarios.patients).length);
});

test('fixtures/README.md shows exactly these scenarios and cards', () => {
  if (RECORD) return;
  expect(scenarioSection(readFileSync(fromRoot('fixtures', 'README.md'), 'utf8'))).toBe(scenarioMarkdown(loadScenarios()));
});

test.each(cases)('$name', async ({ patientId, call }) => {
  const serviceId = SERVICE[call.hook];
  const withPrefetch = await request(stack.app)
    .post(`/cds-services/${serviceId}`)
    // As an EHR sends it: prefetch plus fhirServer, so a Medication referenced but not included is fetched.
    .send(bodyFor(call, patientId, { prefetch: await prefetchFor(serviceId, patientId), fhirServer: fhir.baseUrl }));
  const withFallback = await request(stack.app).post(`/cds-services/${serviceId}`).send(bodyFor(call, patientId, { fhirServer: fhir.baseUrl }));
  expect([withPrefetch.status, withFallback.status]).toEqual([200, 200]);

  const topics = (cards: CardLike[]) => cards.map((c) => c.source.topic.code).sort();
  const prefetched = withPrefetch.body as { cards: CardLike[] };
  const fallback = withFallback.body as { cards: CardLike[] };
  const got = topics(prefetched.cards);
  if (RECORD) call.expect = got;
  expect(got).toEqual([...call.expect].sort());
  // The demo server is healthy: nothing may be reported unavailable, and the fallback path gives
  // the same cards with the same texts as the prefetch path.
  expect(got).not.toContain('service.data-unavailable');
  expect(topics(fallback.cards)).toEqual(got);
  const summaries = (cards: CardLike[]) => cards.map((c) => `${c.source.topic.code}: ${c.indicator}: ${c.summary}`).sort();
  expect(summaries(fallback.cards)).toEqual(summaries(prefetched.cards));

  // Every resource a suggestion would create or write is a valid R4 resource (Medplum's validator
  // over the R4 StructureDefinitions the demo server has indexed).
  type Action = { type: string; resource?: MedplumResource };
  const actions = (prefetched.cards as { suggestions?: { actions?: Action[] }[] }[]).flatMap((c) => (c.suggestions ?? []).flatMap((sg) => sg.actions ?? []));
  for (const action of actions) {
    if (!action.resource) continue;
    let errors: string[] = [];
    try {
      errors = validateResource(action.resource).filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => i.diagnostics ?? '');
    } catch (err) {
      errors = [(err as Error).message];
    }
    expect({ resource: action.resource.resourceType, errors }).toEqual({ resource: action.resource.resourceType, errors: [] });
    if (action.type === 'create') expect(['MedicationRequest', 'ServiceRequest']).toContain(action.resource.resourceType);
  }
  validatedSuggestionResources += actions.filter((a) => a.resource).length;
});

let validatedSuggestionResources = 0;
afterAll(() => {
  // The scenarios do carry suggestions: the check above is not vacuous.
  expect(validatedSuggestionResources).toBeGreaterThan(50);
});
