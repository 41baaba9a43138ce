import { randomUUID } from 'node:crypto';
import { validateHemeResponse } from '../../src/protocol/schemas/index.js';
import { startFaultFhirServer, type FaultMode } from './support/fault-fhir.js';
import { metricsOf, startService, type ServiceProcess } from './support/service-process.js';

// The EHR's FHIR server misbehaving in the slow and heavy ways, against the real service process
// (`node dist/src/main.js`): every call answers 200 with the data-unavailable card within
// CDS_DEADLINE_MS, the process stays up, logs no unhandled rejection, and a 50 MB answer does not
// blow up its memory or its time.

const DEADLINE_MS = 2000;
/** HTTP and JSON overhead on top of the deadline, measured from the test's side of the socket. */
const SLACK_MS = 300;

let svc: ServiceProcess;

beforeAll(async () => {
  svc = await startService({ CDS_DEADLINE_MS: String(DEADLINE_MS), CDS_AUTH: 'off', DATA_DIR: `/tmp/heme-faults-${randomUUID()}` });
});
afterAll(async () => {
  await svc?.stop();
});

async function patientView(fhirServer: string) {
  const t0 = performance.now();
  const res = await fetch(`${svc.baseUrl}/cds-services/heme-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      hook: 'patient-view',
      hookInstance: randomUUID(),
      fhirServer,
      context: { userId: 'Practitioner/x', patientId: 'pat-new-myeloma' },
    }),
  });
  const body = (await res.json()) as { cards?: { source: { topic?: { code?: string } } }[] };
  return { status: res.status, body, ms: performance.now() - t0 };
}

function expectDataUnavailable(r: Awaited<ReturnType<typeof patientView>>) {
  expect(r.status).toBe(200);
  expect(validateHemeResponse(r.body)).toEqual({ ok: true });
  expect(r.body.cards?.map((c) => c.source.topic?.code)).toEqual(['service.data-unavailable']);
  expect(r.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
}

function expectHealthy() {
  expect(svc.child.exitCode).toBeNull();
  expect(svc.logs().filter((l) => l.event === 'unhandled-rejection' || l.level === 60 || l.level === 50)).toEqual([]);
}

const slowCases: [string, FaultMode][] = [
  ['hangs (accepts, never answers)', { kind: 'hang' }],
  ['answers after 3 s, past the deadline', { kind: 'slow', delayMs: 3000 }],
  ['sends headers, then drips the body a byte every 200 ms', { kind: 'drip', intervalMs: 200 }],
];

test.each(slowCases)('FHIR server %s: 200 + data-unavailable within the deadline', async (_name, mode) => {
  const fhir = await startFaultFhirServer(mode);
  try {
    const r = await patientView(fhir.baseUrl);
    expectDataUnavailable(r);
    // It was really asked (the fault was exercised, not skipped).
    expect(fhir.requests()).toBeGreaterThan(0);
    expectHealthy();
  } finally {
    await fhir.close();
  }
});

test('several slow calls at once: all answered by the deadline, none waits for another', async () => {
  const fhir = await startFaultFhirServer({ kind: 'slow', delayMs: 5000 });
  try {
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: 20 }, () => patientView(fhir.baseUrl)));
    for (const r of all) expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(DEADLINE_MS + 2 * SLACK_MS);
    expectHealthy();
  } finally {
    await fhir.close();
  }
});

describe.each([
  ['with Content-Length', true],
  ['chunked, no Content-Length', false],
])('a 50 MB answer (%s)', (_name, contentLength) => {
  test('is not read whole: bounded memory and time, 200 + data-unavailable', async () => {
    const fhir = await startFaultFhirServer({ kind: 'huge', bytes: 50 * 1024 * 1024, contentLength });
    try {
      const before = svc.peakRssKb() ?? 0;
      const r = await patientView(fhir.baseUrl);
      const after = svc.peakRssKb() ?? 0;
      // Figures for the report (the assertions below are the contract).
      process.stdout.write(
        `50 MB FHIR body (${contentLength ? 'content-length' : 'chunked'}): ${Math.round(r.ms)} ms, ` +
          `peak RSS ${Math.round(before / 1024)} -> ${Math.round(after / 1024)} MB, ` +
          `server wrote ${(fhir.bytesSent() / 1024 / 1024).toFixed(1)} MB over ${fhir.requests()} requests\n`,
      );
      expectDataUnavailable(r);
      // The peak grows by far less than the 50 MB body (which, read whole and parsed, costs several times that).
      expect(after - before).toBeLessThan(64 * 1024);
      expectHealthy();
      const m = await metricsOf(svc.baseUrl);
      expect(m.get('heme_cds_fhir_fallback_requests_total{outcome="error"}') ?? 0).toBeGreaterThan(0);
    } finally {
      await fhir.close();
    }
  });
});

test('the process is still serving afterwards', async () => {
  const res = await fetch(`${svc.baseUrl}/healthz`);
  expect(res.status).toBe(200);
  expectHealthy();
});
