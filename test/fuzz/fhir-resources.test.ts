import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  CANONICAL_UNITS,
  checkOutcome,
  coding,
  CONDITION_CODINGS,
  DRUG_CODINGS,
  FUZZ_PARAMS,
  FUZZ_TIMEOUT_MS,
  LAB_CODINGS,
  oddDate,
  oddNumber,
  oddString,
  oddValue,
  post,
  startFuzzTarget,
  type FuzzTarget,
} from './support.js';

// Property-based fuzzing of the FHIR resources inside prefetch and draftOrders: Observations with
// odd valueQuantity, units and dates; MedicationRequests with odd codings, dosages and references;
// Conditions with odd onsets; Bundles with odd entries (duplicates, non-resources, nested Bundles,
// OperationOutcomes). Codes come from terminology/concepts.json so the rules really see them.
// Oracle: never a 5xx, every 200 answer valid against the CDS Hooks 2.0 response schema.

let target: FuzzTarget;
/** Status and rule-card tallies: the generated data must reach the rules, not only bounce off validation. */
const seen = { ok: 0, total: 0, ruleCards: 0 };
function tally(o: { status: number; body: unknown }) {
  seen.total += 1;
  if (o.status !== 200) return;
  seen.ok += 1;
  const cards = (o.body as { cards?: { source?: { topic?: { code?: string } } }[] }).cards ?? [];
  seen.ruleCards += cards.filter((c) => !String(c.source?.topic?.code).startsWith('service.')).length;
}
afterAll(() => {
  // The rest are 412 (a prefetch key junk or an OperationOutcome, and no fhirServer) or 400.
  expect(seen.ok / seen.total).toBeGreaterThan(0.3);
  expect(seen.ruleCards).toBeGreaterThan(0);
});
beforeAll(async () => {
  target = await startFuzzTarget();
}, 60_000);
afterAll(async () => {
  await target.close();
});

const PATIENT_ID = 'pat-fuzz';
const subject = fc.constantFrom({ reference: `Patient/${PATIENT_ID}` }, { reference: 'Patient/someone-else' }, { reference: 42 }, {});

const quantity = fc.record(
  {
    value: fc.oneof({ weight: 4, arbitrary: oddNumber }, { weight: 1, arbitrary: oddValue }),
    unit: fc.oneof(fc.constantFrom(...CANONICAL_UNITS), oddString),
    system: fc.constantFrom('http://unitsofmeasure.org', 'urn:local', ''),
    code: fc.oneof(fc.constantFrom(...CANONICAL_UNITS, 'mg/dL', 'nmol/L', 'umol/L', 'g/dL', '%', '10*9/L', '[IU]/L'), oddString),
    comparator: fc.constantFrom('<', '<=', '>=', '>', 'ad', '~'),
  },
  { requiredKeys: [] },
);

const observation = fc.record(
  {
    resourceType: fc.constant('Observation'),
    id: fc.oneof(fc.uuid(), fc.constantFrom('dup', 'obs-1')),
    status: fc.constantFrom('final', 'amended', 'preliminary', 'entered-in-error', 'cancelled', 'bogus'),
    code: fc.record({ coding: fc.array(coding(LAB_CODINGS), { maxLength: 3 }), text: oddString }, { requiredKeys: [] }),
    subject,
    effectiveDateTime: oddDate,
    effectivePeriod: fc.record({ start: oddDate, end: oddDate }, { requiredKeys: [] }),
    issued: oddDate,
    valueQuantity: quantity,
    valueString: oddString,
    valueCodeableConcept: fc.record({ coding: fc.array(coding(LAB_CODINGS), { maxLength: 2 }) }),
    interpretation: fc.array(fc.record({ coding: fc.array(coding(LAB_CODINGS), { maxLength: 1 }) }), { maxLength: 2 }),
    component: fc.array(fc.record({ code: fc.record({ coding: fc.array(coding(LAB_CODINGS), { maxLength: 1 }) }), valueQuantity: quantity }, { requiredKeys: [] }), { maxLength: 2 }),
    referenceRange: fc.array(fc.record({ low: quantity, high: quantity }, { requiredKeys: [] }), { maxLength: 1 }),
  },
  { requiredKeys: ['resourceType', 'code'] },
);

const dosage = fc.record(
  {
    text: oddString,
    timing: fc.record({ repeat: fc.record({ frequency: oddValue, period: oddValue, periodUnit: oddString, boundsPeriod: fc.record({ start: oddDate, end: oddDate }) }, { requiredKeys: [] }) }),
    doseAndRate: fc.array(fc.record({ doseQuantity: quantity }), { maxLength: 2 }),
    route: fc.record({ coding: fc.array(coding(DRUG_CODINGS), { maxLength: 1 }) }),
  },
  { requiredKeys: [] },
);

const medicationRequest = (status: fc.Arbitrary<string>) =>
  fc.record(
    {
      resourceType: fc.constantFrom('MedicationRequest', 'MedicationRequest', 'MedicationOrder'),
      id: fc.oneof(fc.uuid(), fc.constantFrom('d1', 'dup')),
      status,
      intent: fc.constantFrom('order', 'plan', 'proposal', 'bogus'),
      subject,
      authoredOn: oddDate,
      medicationCodeableConcept: fc.record({ coding: fc.array(coding(DRUG_CODINGS), { maxLength: 4 }), text: oddString }, { requiredKeys: [] }),
      medicationReference: fc.record({ reference: fc.oneof(fc.constantFrom('#m1', 'Medication/m1', 'Medication/../../x', 'http://evil.example/Medication/1', ''), oddString), display: oddString }, { requiredKeys: [] }),
      contained: fc.array(fc.record({ resourceType: fc.constantFrom('Medication', 'Patient', 'Bogus'), id: fc.constantFrom('m1', 'm2'), code: fc.record({ coding: fc.array(coding(DRUG_CODINGS), { maxLength: 2 }) }) }, { requiredKeys: ['resourceType'] }), { maxLength: 2 }),
      dosageInstruction: fc.array(dosage, { maxLength: 2 }),
    },
    { requiredKeys: ['resourceType', 'id'] },
  );

const condition = fc.record(
  {
    resourceType: fc.constant('Condition'),
    id: fc.uuid(),
    subject,
    code: fc.record({ coding: fc.array(coding(CONDITION_CODINGS), { maxLength: 2 }) }),
    clinicalStatus: fc.record({ coding: fc.array(fc.record({ system: fc.constant('http://terminology.hl7.org/CodeSystem/condition-clinical'), code: fc.constantFrom('active', 'resolved', 'remission', 'x') }), { maxLength: 1 }) }),
    verificationStatus: fc.record({ coding: fc.array(fc.record({ code: fc.constantFrom('confirmed', 'refuted', 'entered-in-error') }), { maxLength: 1 }) }),
    onsetDateTime: oddDate,
    recordedDate: oddDate,
  },
  { requiredKeys: ['resourceType', 'code'] },
);

const patient = fc.record(
  {
    resourceType: fc.constant('Patient'),
    id: fc.constantFrom(PATIENT_ID, PATIENT_ID, 'other'),
    birthDate: oddDate,
    gender: fc.oneof(fc.constantFrom('female', 'male', 'other', 'unknown'), oddString),
    deceasedBoolean: fc.boolean(),
  },
  { requiredKeys: ['resourceType', 'id'] },
);

/** A searchset with odd entries around the real ones: duplicates, junk, nested Bundles, outcomes. */
function oddBundle(resource: fc.Arbitrary<unknown>) {
  const junkEntry = fc.constantFrom<unknown>(
    null,
    1,
    'entry',
    [],
    {},
    { resource: null },
    { resource: { resourceType: 42 } },
    { resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'informational' }] } },
    { resource: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Observation', code: {} } }] } },
    { fullUrl: 'urn:x', search: { mode: 'include' } },
  );
  return fc
    .tuple(fc.array(resource, { maxLength: 6 }), fc.array(junkEntry, { maxLength: 3 }), fc.nat({ max: 3 }), fc.constantFrom<unknown>(undefined, [], 'next', [{ relation: 'next', url: 42 }], [{ relation: 'next', url: 'http://127.0.0.1:9/fhir/x' }]))
    .map(([resources, junk, dups, link]) => {
      const entries: unknown[] = resources.map((r) => ({ resource: r, search: { mode: 'match' } }));
      for (let i = 0; i < dups && entries.length > 0; i++) entries.push(entries[i % entries.length]);
      entries.push(...junk);
      return { resourceType: 'Bundle', type: 'searchset', ...(link !== undefined ? { link } : {}), entry: entries };
    });
}

/** A prefetch value: usually a Bundle, sometimes null, a bare resource, an OperationOutcome or junk. */
function prefetchValue(resource: fc.Arbitrary<unknown>) {
  return fc.oneof(
    { weight: 8, arbitrary: oddBundle(resource) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: resource },
    { weight: 1, arbitrary: fc.constantFrom({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }, { resourceType: 'Bundle' }, { resourceType: 'Bundle', entry: 'x' }, { foo: 1 }) },
  );
}

const prefetch = fc.record({
  patient: fc.oneof({ weight: 5, arbitrary: patient }, { weight: 1, arbitrary: prefetchValue(patient) }),
  conditions: prefetchValue(condition),
  observations: prefetchValue(observation),
  medicationRequests: prefetchValue(medicationRequest(fc.constantFrom('active', 'completed', 'stopped', 'on-hold', 'draft', 'x'))),
  medicationStatements: prefetchValue(medicationRequest(fc.constantFrom('active', 'completed')).map((r) => ({ ...(r as object), resourceType: 'MedicationStatement' }))),
  medicationAdministrations: prefetchValue(medicationRequest(fc.constantFrom('completed', 'in-progress')).map((r) => ({ ...(r as object), resourceType: 'MedicationAdministration' }))),
  procedures: prefetchValue(fc.record({ resourceType: fc.constant('Procedure'), id: fc.uuid(), code: fc.record({ coding: fc.array(coding(CONDITION_CODINGS), { maxLength: 1 }) }), performedDateTime: oddDate, status: fc.constantFrom('completed', 'x') }, { requiredKeys: ['resourceType'] })),
  serviceRequests: prefetchValue(fc.record({ resourceType: fc.constant('ServiceRequest'), id: fc.uuid(), code: fc.record({ coding: fc.array(coding(LAB_CODINGS), { maxLength: 1 }) }), authoredOn: oddDate, status: fc.constantFrom('active', 'x') }, { requiredKeys: ['resourceType'] })),
  immunizations: prefetchValue(fc.record({ resourceType: fc.constant('Immunization'), id: fc.uuid(), vaccineCode: fc.record({ coding: fc.array(coding(DRUG_CODINGS), { maxLength: 1 }), text: oddString }, { requiredKeys: [] }), occurrenceDateTime: oddDate, status: fc.constantFrom('completed', 'not-done', 'entered-in-error', 'x') }, { requiredKeys: ['resourceType'] })),
});

const drafts = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: medicationRequest(fc.constantFrom('draft', 'active', 'x')) },
    { weight: 1, arbitrary: fc.constant({ resourceType: 'Medication', id: 'm1', code: { coding: [DRUG_CODINGS[0]] } }) },
    { weight: 1, arbitrary: fc.record({ resourceType: fc.constantFrom('ServiceRequest', 'NutritionOrder', 'Observation'), id: fc.uuid() }) },
  ),
  { minLength: 1, maxLength: 8 },
);

function hookRequest(hook: 'patient-view' | 'order-select' | 'order-sign', pf: unknown, orders: unknown[]) {
  const context: Record<string, unknown> = { userId: 'Practitioner/fuzz', patientId: PATIENT_ID };
  if (hook !== 'patient-view') context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) };
  if (hook === 'order-select') {
    const ids = orders.map((o) => o as { resourceType?: unknown; id?: unknown }).filter((o) => typeof o.id === 'string' && /^[A-Za-z0-9\-.]{1,64}$/.test(o.id));
    context.selections = ids.length > 0 ? ids.slice(0, 2).map((o) => `${String(o.resourceType)}/${String(o.id)}`) : ['MedicationRequest/none'];
  }
  return { hook, hookInstance: randomUUID(), context, prefetch: withSplitKeys(hook, pf) };
}

/** The observation query is split over several keys (observations, observations-2 ...): the generated data goes under the first, the others are empty. */
function withSplitKeys(hook: 'patient-view' | 'order-select' | 'order-sign', pf: unknown): unknown {
  const keys = target.stack.runtime.deps.services.find((s) => s.id === SERVICE[hook])?.prefetchKeys?.observations ?? [];
  if (typeof pf !== 'object' || pf === null) return pf;
  const out: Record<string, unknown> = { ...(pf as Record<string, unknown>) };
  for (const key of keys.slice(1)) out[key] ??= { resourceType: 'Bundle', type: 'searchset', entry: [] };
  return out;
}

const SERVICE = { 'patient-view': 'heme-patient-view', 'order-select': 'heme-order-select', 'order-sign': 'heme-order-sign' } as const;

test('patient-view: odd Observations, Conditions, medications and Bundles in prefetch', async () => {
  await fc.assert(
    fc.asyncProperty(prefetch, async (pf) => {
      const o = await post(target, `/cds-services/${SERVICE['patient-view']}`, hookRequest('patient-view', pf, []));
      checkOutcome(o, true);
      tally(o);
    }),
    { ...FUZZ_PARAMS, seed: 0xf41201, numRuns: 900 },
  );
}, FUZZ_TIMEOUT_MS);

test('order-sign and order-select: odd MedicationRequests in draftOrders, with odd prefetch', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<'order-sign' | 'order-select'>('order-sign', 'order-select'), prefetch, drafts, async (hook, pf, orders) => {
      const o = await post(target, `/cds-services/${SERVICE[hook]}`, hookRequest(hook, pf, orders));
      checkOutcome(o, true);
      tally(o);
    }),
    { ...FUZZ_PARAMS, seed: 0xf41202, numRuns: 900 },
  );
}, FUZZ_TIMEOUT_MS);

test('many resources at once: 2000 Observations and 300 draft orders (few cases)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(observation, { minLength: 2000, maxLength: 2000 }), fc.array(medicationRequest(fc.constant('draft')), { minLength: 300, maxLength: 300 }), async (obs, orders) => {
      const pf = { patient: { resourceType: 'Patient', id: PATIENT_ID, birthDate: '1950-01-01' }, observations: { resourceType: 'Bundle', type: 'searchset', entry: obs.map((resource) => ({ resource })) } };
      const res = await post(target, `/cds-services/${SERVICE['order-sign']}`, hookRequest('order-sign', pf, orders));
      checkOutcome(res, true);
    }),
    { ...FUZZ_PARAMS, seed: 0xf41203, numRuns: 5 },
  );
}, FUZZ_TIMEOUT_MS);
