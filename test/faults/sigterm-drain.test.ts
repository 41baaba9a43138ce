import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { startFaultFhirServer, type FaultFhirServer } from './support/fault-fhir.js';
import { startService } from './support/service-process.js';

// SIGTERM drains: a hook call in flight (waiting on a slow FHIR server) when the signal arrives
// still completes with 200; new connections are refused from then on; the process exits 0.

let fhir: FaultFhirServer;
beforeAll(async () => {
  fhir = await startFaultFhirServer({ kind: 'slow', delayMs: 1500 });
});
afterAll(async () => {
  await fhir.close();
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

test('in-flight hook call completes with 200 after SIGTERM; new connections refused; exit 0', async () => {
  const svc = await startService({ CDS_AUTH: 'off', CDS_DEADLINE_MS: '5000', DATA_DIR: `/tmp/heme-sigterm-${randomUUID()}` }, { readyTimeoutMs: 90_000 });
  try {
    const inFlight = fetch(`${svc.baseUrl}/cds-services/heme-patient-view`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hook: 'patient-view', hookInstance: randomUUID(), fhirServer: fhir.baseUrl, context: { userId: 'Practitioner/x', patientId: 'p1' } }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { cards: unknown[] }, at: Date.now() }));
    // Wait until the service is really waiting on the FHIR server.
    while (fhir.requests() === 0) await new Promise((r) => setTimeout(r, 10));
    const termAt = Date.now();
    svc.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(await refused(svc.port)).toBe(true);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.cards)).toBe(true);
    // It was answered after the signal (it really was in flight), well before the forced exit.
    expect(res.at).toBeGreaterThan(termAt);
    const { code } = await svc.exited;
    expect(code).toBe(0);
    const events = svc.logs().map((l) => l.event);
    expect(events).toEqual(expect.arrayContaining(['shutdown', 'shutdown.done']));
    process.stdout.write(`SIGTERM drain: in-flight call answered ${res.at - termAt} ms after SIGTERM, exit ${code} after ${Date.now() - termAt} ms\n`);
  } finally {
    await svc.stop();
  }
});
