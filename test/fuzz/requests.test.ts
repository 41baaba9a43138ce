import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { startDemoFhirServer } from '../../src/demo-fhir/server.js';
import { fullPrefetch } from '../support/stack.js';
import { checkOutcome, FUZZ_PARAMS, FUZZ_TIMEOUT_MS, mutateAt, oddString, oddValue, post, startFuzzTarget, type FuzzTarget } from './support.js';

// Property-based fuzzing of whole hook and feedback requests: valid requests with real prefetch
// (from the demo FHIR server's synthetic patients) mutated at random paths, wrong types, missing
// and extra fields, huge and deeply nested values. Oracle: never a 5xx, and every 200 answer is a
// valid CDS Hooks 2.0 response (the stack also validates every 200 it sends and fails on close).
// Fixed seeds: a failure prints `seed` and `path`, and the same seed reproduces it.

let target: FuzzTarget;
type Base = { id: string; hook: 'patient-view' | 'order-select' | 'order-sign'; body: Record<string, unknown> };
const bases: Base[] = [];

const draft = (id: string, code: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/pat-new-myeloma' },
  medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code }] },
});

beforeAll(async () => {
  const demo = await startDemoFhirServer({ host: '127.0.0.1', port: 0 });
  try {
    target = await startFuzzTarget();
    const patients = ['pat-new-myeloma', 'pat-bortezomib-no-valaciclovir', 'pat-iss-nmol', 'pat-no-data'];
    const jobs = target.stack.runtime.deps.services.flatMap((svc) => patients.map((patientId) => ({ svc, patientId })));
    const prefetches = await Promise.all(jobs.map(({ svc, patientId }) => fullPrefetch(svc.prefetch, demo.baseUrl, patientId)));
    for (const [i, { svc, patientId }] of jobs.entries()) {
      {
        const prefetch = prefetches[i];
        const drafts = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft('d1', 'L01XG01') }, { resource: draft('d2', 'L04AX04') }] };
        const context: Record<string, unknown> = { userId: 'Practitioner/x', patientId };
        if (svc.hook !== 'patient-view') context.draftOrders = drafts;
        if (svc.hook === 'order-select') context.selections = ['MedicationRequest/d1'];
        bases.push({ id: svc.id, hook: svc.hook, body: { hook: svc.hook, hookInstance: randomUUID(), context, prefetch } });
      }
    }
  } finally {
    await demo.close();
  }
}, 90_000);
afterAll(async () => {
  await target.close();
});

const baseArb = () => fc.integer({ min: 0, max: bases.length - 1 }).map((i) => bases[i] as Base);

test('mutated valid hook requests: one to three random paths replaced, removed or given odd values', async () => {
  const mutation = fc.record({
    path: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    value: oddValue,
    remove: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(baseArb(), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (base, mutations) => {
      let body: unknown = base.body;
      for (const m of mutations) body = mutateAt(body, m.path, m.value, m.remove);
      checkOutcome(await post(target, `/cds-services/${base.id}`, body), true);
    }),
    { ...FUZZ_PARAMS, seed: 0x5eed01, numRuns: 1500 },
  );
}, FUZZ_TIMEOUT_MS);

test('wrong types, missing and extra fields at the top level and in context', async () => {
  const field = fc.constantFrom('hook', 'hookInstance', 'fhirServer', 'fhirAuthorization', 'context', 'prefetch', 'extension', 'x-extra');
  const ctxField = fc.constantFrom('userId', 'patientId', 'encounterId', 'selections', 'draftOrders', 'x-extra', '__proto__');
  await fc.assert(
    fc.asyncProperty(
      baseArb(),
      fc.dictionary(field, fc.option(oddValue, { nil: undefined }), { maxKeys: 3 }),
      fc.dictionary(ctxField, fc.option(oddValue, { nil: undefined }), { maxKeys: 3 }),
      async (base, top, ctx) => {
        const body = structuredClone(base.body);
        for (const [k, v] of Object.entries(top)) if (v === undefined) delete body[k]; else body[k] = v;
        if (typeof body.context === 'object' && body.context !== null) {
          const c = body.context as Record<string, unknown>;
          for (const [k, v] of Object.entries(ctx)) if (v === undefined) delete c[k]; else c[k] = v;
        }
        // fhirServer, when valid, points at a closed port: refused at once, never slow.
        if (typeof body.fhirServer === 'string' && /^https?:\/\//i.test(body.fhirServer)) body.fhirServer = 'http://127.0.0.1:9/fhir';
        checkOutcome(await post(target, `/cds-services/${base.id}`, body), true);
      },
    ),
    { ...FUZZ_PARAMS, seed: 0x5eed02, numRuns: 1000 },
  );
}, FUZZ_TIMEOUT_MS);

test('arbitrary JSON bodies and arbitrary bytes', async () => {
  const id = fc.constantFrom('heme-patient-view', 'heme-order-select', 'heme-order-sign');
  await fc.assert(
    fc.asyncProperty(id, fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((v) => [JSON.stringify(v) ?? 'null', true] as const), fc.string({ maxLength: 200 }).map((s) => [s, false] as const)), async (svc, [text]) => {
      checkOutcome(await post(target, `/cds-services/${svc}`, text, true), true);
    }),
    { ...FUZZ_PARAMS, seed: 0x5eed03, numRuns: 400 },
  );
}, FUZZ_TIMEOUT_MS);

test('huge and deeply nested values (few cases, each large)', async () => {
  const MB = 1024 * 1024;
  const big = fc.constantFrom(
    () => 'x'.repeat(MB),
    () => 'æøå🩸'.repeat(MB / 8),
    () => Array.from({ length: 50_000 }, (_, i) => i),
    () => JSON.parse('['.repeat(2000) + ']'.repeat(2000)) as unknown,
    () => {
      let o: Record<string, unknown> = {};
      const root = o;
      for (let i = 0; i < 2000; i++) o = (o.a = {});
      return root;
    },
  );
  await fc.assert(
    fc.asyncProperty(baseArb(), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), big, async (base, path, make) => {
      checkOutcome(await post(target, `/cds-services/${base.id}`, mutateAt(base.body, path, make(), false)), true);
    }),
    { ...FUZZ_PARAMS, seed: 0x5eed04, numRuns: 30 },
  );
}, FUZZ_TIMEOUT_MS);

test('feedback bodies: mutated, wrong types, 1 MB comments', async () => {
  const valid = () => ({
    feedback: [
      { card: randomUUID(), outcome: 'accepted', acceptedSuggestions: [{ id: randomUUID() }], outcomeTimestamp: '2026-11-22T10:00:00Z' },
      { card: randomUUID(), outcome: 'overridden', overrideReason: { reason: { code: 'x', system: 'urn:heme-cds:override-reason' }, userComment: 'c' }, outcomeTimestamp: '2026-11-22T10:00:00Z' },
    ],
  });
  const value = fc.oneof({ weight: 20, arbitrary: oddValue }, { weight: 1, arbitrary: fc.constant('k'.repeat(1024 * 1024)) });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), value, remove: fc.boolean() }), { maxLength: 3 }), fc.constantFrom('heme-patient-view', 'heme-order-sign'), async (mutations, svc) => {
      let body: unknown = valid();
      for (const m of mutations) body = mutateAt(body, m.path, m.value, m.remove);
      const o = await post(target, `/cds-services/${svc}/feedback`, body);
      checkOutcome(o, false);
      // 413: a 1 MB comment is over FEEDBACK_BODY_LIMIT_BYTES (issue 13 item 6).
      expect([200, 400, 413]).toContain(o.status);
    }),
    { ...FUZZ_PARAMS, seed: 0x5eed05, numRuns: 500 },
  );
}, FUZZ_TIMEOUT_MS);

test('Accept-Language and hookInstance oddities', async () => {
  await fc.assert(
    fc.asyncProperty(baseArb(), oddString, fc.oneof(oddString, fc.string({ minLength: 190, maxLength: 210 })), async (base, lang, hookInstance) => {
      const res = await fetch(`${target.base}/cds-services/${base.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': lang.replace(/[^\t\x20-\x7e]/g, '') },
        body: JSON.stringify({ ...base.body, hookInstance }),
      });
      checkOutcome({ status: res.status, body: await res.json() }, true);
    }),
    { ...FUZZ_PARAMS, seed: 0x5eed06, numRuns: 300 },
  );
}, FUZZ_TIMEOUT_MS);
