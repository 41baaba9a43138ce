import request from 'supertest';
import { validateResource } from '@medplum/core';
import type { Resource as MedplumResource } from '@medplum/fhirtypes';
import { readFileSync, writeFileSync } from 'node:fs';
import { rebaseFixtureDates } from '../src/demo-fhir/fixture-dates.js';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { fromRoot } from '../src/paths.js';
import { fullPrefetch, hookBody, startStack, type TestStack } from './support/stack.js';
import { draftBundle, loadScenarios, scenarioMarkdown, scenarioSection, withScenarioSection, type ScenarioCall } from './support/scenarios.js';

// Every fixture patient through the real HTTP endpoint, for every hook call listed in
// fixtures/scenarios.json: once with full prefetch (as an EHR that honours the templates sends it)
// and once with no prefetch (the service fetches everything from the demo FHIR server over a socket). Both must
// give the cards the scenario lists, with the same summaries.
//
// The scenarios are written for one reference day (scenarios.json `now`); the demo server and the
// drafts move every date to the clock's day (src/demo-fhir/fixture-dates.ts). They run at today's
// clock and at a clock a year later, and must give the same cards at both.
//
// RECORD_SCENARIOS=1 writes the cards actually returned into fixtures/scenarios.json (for review in
// the diff after a rule change); the assertions still run against what was recorded before.
const scenarios = loadScenarios();
const RECORD = process.env.RECORD_SCENARIOS === '1';
const TODAY = new Date();
const CLOCKS = [
  { label: 'today', now: TODAY },
  { label: 'a year later', now: new Date(TODAY.getTime() + 365 * 24 * 60 * 60 * 1000) },
];

interface ClockedStack {
  now: Date;
  stack: TestStack;
  fhir: DemoFhirServer;
  prefetchCache: Map<string, Record<string, unknown>>;
}

const stacks = new Map<string, ClockedStack>();

function clocked(label: string): ClockedStack {
  const s = stacks.get(label);
  if (!s) throw new Error(`no stack for ${label}`);
  return s;
}

beforeAll(async () => {
  await Promise.all(
    CLOCKS.map(async ({ label, now }) => {
      const [stack, fhir] = await Promise.all([startStack({ now }), startDemoFhirServer({ host: '127.0.0.1', port: 0, now })]);
      stacks.set(label, { now, stack, fhir, prefetchCache: new Map() });
    }),
  );
}, 120_000);
afterAll(async () => {
  if (RECORD) {
    writeFileSync(fromRoot('fixtures', 'scenarios.json'), `${JSON.stringify(scenarios, null, 1)}\n`);
    const readme = fromRoot('fixtures', 'README.md');
    writeFileSync(readme, withScenarioSection(readFileSync(readme, 'utf8'), scenarioMarkdown(scenarios)));
  }
  await Promise.all([...stacks.values()].flatMap((s) => [s.stack.close(), s.fhir.close()]));
});

const SERVICE = { 'patient-view': 'heme-patient-view', 'order-select': 'heme-order-select', 'order-sign': 'heme-order-sign' } as const;

type CardLike = { summary: string; indicator: string; source: { topic: { code: string } } };

async function prefetchFor(at: ClockedStack, serviceId: string, patientId: string): Promise<Record<string, unknown>> {
  const key = `${serviceId}|${patientId}`;
  let cached = at.prefetchCache.get(key);
  if (!cached) {
    const service = at.stack.runtime.deps.services.find((s) => s.id === serviceId);
    if (!service) throw new Error(serviceId);
    cached = await fullPrefetch(service.prefetch, at.fhir.baseUrl, patientId);
    at.prefetchCache.set(key, cached);
  }
  return cached;
}

function bodyFor(at: ClockedStack, call: ScenarioCall, patientId: string, extra: Record<string, unknown>) {
  if (call.hook === 'patient-view') return hookBody('patient-view', patientId, extra);
  // Draft dates are written for the reference day too and move with the charts.
  const draftOrders = draftBundle(rebaseFixtureDates(call.drafts ?? [], at.now), patientId, at.now.toISOString());
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

const clockedCases = CLOCKS.flatMap(({ label }) => cases.map((c) => ({ ...c, clock: label, name: `${c.name} (${label})` })));

test.each(clockedCases)('$name', async ({ patientId, call, clock }) => {
  const at = clocked(clock);
  const serviceId = SERVICE[call.hook];
  const withPrefetch = await request(at.stack.app)
    .post(`/cds-services/${serviceId}`)
    // As an EHR sends it: prefetch plus fhirServer, so a Medication referenced but not included is fetched.
    .send(bodyFor(at, call, patientId, { prefetch: await prefetchFor(at, serviceId, patientId), fhirServer: at.fhir.baseUrl }));
  const withFallback = await request(at.stack.app).post(`/cds-services/${serviceId}`).send(bodyFor(at, call, patientId, { fhirServer: at.fhir.baseUrl }));
  expect([withPrefetch.status, withFallback.status]).toEqual([200, 200]);

  const topics = (cards: CardLike[]) => cards.map((c) => c.source.topic.code).sort();
  const prefetched = withPrefetch.body as { cards: CardLike[] };
  const fallback = withFallback.body as { cards: CardLike[] };
  const got = topics(prefetched.cards);
  if (RECORD && clock === CLOCKS[0]?.label) call.expect = got;
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
