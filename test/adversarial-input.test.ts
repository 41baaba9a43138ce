import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hookBody, startStack, type TestStack } from './support/stack.js';

// Issue 13 item 1: no client input may hold the event loop. Each body below is sent over a real
// socket while /healthz is polled on another connection; the hook answer must arrive within
// CDS_DEADLINE_MS and /healthz must keep answering meanwhile.
const DEADLINE_MS = 2000;
let stack: TestStack;
let server: Server;
let base: string;

beforeAll(async () => {
  stack = await startStack({ env: { CDS_DEADLINE_MS: String(DEADLINE_MS) } });
  server = stack.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await stack.close();
});

const PATIENT = 'pat-adversarial';

function bundle(resources: unknown[]) {
  return { resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) };
}

function observation(i: number, code: { system: string; code: string; display?: string }[], text?: string) {
  return {
    resourceType: 'Observation',
    id: `o${i}`,
    status: 'final',
    subject: { reference: `Patient/${PATIENT}` },
    effectiveDateTime: '2026-11-01',
    code: { coding: code, ...(text !== undefined ? { text } : {}) },
    valueQuantity: { value: 1, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
  };
}

function medicationRequest(i: number, text: string) {
  return {
    resourceType: 'MedicationRequest',
    id: `m${i}`,
    status: 'active',
    intent: 'order',
    subject: { reference: `Patient/${PATIENT}` },
    authoredOn: '2026-11-01',
    medicationCodeableConcept: { text },
  };
}

/** Every prefetch key of patient-view, `null` unless given. */
function prefetch(given: Record<string, unknown>) {
  const service = stack.runtime.deps.services.find((s) => s.id === 'heme-patient-view');
  if (!service) throw new Error('no patient-view service');
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(service.prefetch)) out[key] = given[key] ?? null;
  out.patient = { resourceType: 'Patient', id: PATIENT, gender: 'female', birthDate: '1960-01-01' };
  return out;
}

/** GET /healthz on a connection of its own. */
function health(): Promise<void> {
  return new Promise((resolve, reject) => {
    get(`${base}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`healthz ${res.statusCode}`))));
    }).on('error', reject);
  });
}

/** Sends the body, polling /healthz every 50 ms meanwhile; returns the hook's duration and the slowest health answer. */
async function callWhilePolling(body: unknown): Promise<{ status: number; ms: number; cpuMs: number; healthMaxMs: number; healthAnswers: number }> {
  const text = JSON.stringify(body);
  expect(text.length).toBeLessThan(5 * 1024 * 1024);
  let done = false;
  let healthMaxMs = 0;
  let healthAnswers = 0;
  const poll = (async () => {
    // Its own connection, so a blocked event loop shows as a late answer.
    while (!done) {
      const t0 = performance.now();
      await health();
      healthMaxMs = Math.max(healthMaxMs, performance.now() - t0);
      healthAnswers++;
      await new Promise((r2) => setTimeout(r2, 50));
    }
  })();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const res = await fetch(`${base}/cds-services/heme-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  await res.text();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  done = true;
  await poll;
  return { status: res.status, ms, cpuMs: (cpu.user + cpu.system) / 1000, healthMaxMs, healthAnswers };
}

const cases: [string, () => unknown][] = [
  [
    '100,000 slashes in a coding system (four such codings)',
    () =>
      hookBody('patient-view', PATIENT, {
        prefetch: prefetch({
          observations: bundle([0, 1, 2, 3].map((i) => observation(i, [{ system: `http:${'/'.repeat(100_000)}x`, code: '1234-5' }]))),
        }),
      }),
  ],
  [
    '"bortezomib " x 50,000 in medicationCodeableConcept.text',
    () =>
      hookBody('patient-view', PATIENT, {
        prefetch: prefetch({ medicationRequests: bundle([medicationRequest(0, 'bortezomib '.repeat(50_000))]) }),
      }),
  ],
  [
    'many drug names repeated in many texts and displays',
    () =>
      hookBody('patient-view', PATIENT, {
        prefetch: prefetch({
          medicationRequests: bundle(
            Array.from({ length: 20 }, (_, i) => medicationRequest(i, 'melphalan flufenamide melphalan daratumumab lenalidomide '.repeat(2_000) + String(i))),
          ),
        }),
      }),
  ],
  [
    'a 200,000-character code in a prefixed (ICD-10) system, and long runs of one character',
    () =>
      hookBody('patient-view', PATIENT, {
        prefetch: prefetch({
          conditions: bundle([
            {
              resourceType: 'Condition',
              id: 'c0',
              subject: { reference: `Patient/${PATIENT}` },
              code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C'.repeat(200_000) }], text: ' '.repeat(200_000) },
            },
          ]),
        }),
      }),
  ],
  [
    'huge arrays: 4,000 observations with 20 codings each (a body near the 5 MB limit)',
    () =>
      hookBody('patient-view', PATIENT, {
        prefetch: prefetch({
          observations: bundle(
            Array.from({ length: 4_000 }, (_, i) =>
              observation(
                i,
                Array.from({ length: 20 }, (_, j) => ({ system: `http://loinc.org/${j}`, code: `${i}-${j}` })),
              ),
            ),
          ),
        }),
      }),
  ],
];

describe('adversarial client input', () => {
  test.each(cases)('%s: answered within the deadline, /healthz answering meanwhile', async (_name, make) => {
    const result = await callWhilePolling(make());
    // Every body fits the default size limit: it is computed, not refused.
    expect(result.status).toBe(200);
    // The CPU this process spent on the call (server and client side together) is what no input may
    // push past the deadline; wall time also counts the other test files sharing the machine's cores,
    // so it only has to stay within a few deadlines.
    expect(result.cpuMs).toBeLessThan(DEADLINE_MS);
    expect(result.ms).toBeLessThan(3 * DEADLINE_MS);
    expect(result.healthAnswers).toBeGreaterThan(0);
    expect(result.healthMaxMs).toBeLessThan(2 * DEADLINE_MS);
  });
});
