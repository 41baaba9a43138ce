import type { Bundle } from '@medplum/fhirtypes';
import { startDemoFhirServer, type DemoFhirServer } from '../src/demo-fhir/server.js';
import { fixtureSetFor } from '../src/demo-fhir/fixture-set.js';
import { asPutTransaction, loadBundle, loadFixtures } from '../src/tools/fixture-loader.js';
import { integrationTable, runIntegration } from '../scripts/integration-runner.js';
import { loadScenarios, type Scenarios } from './support/scenarios.js';

// `npm run fixtures:load` and `npm run test:integration` against a FHIR server over real HTTP. The
// writable server is the demo server's code with transactions accepted, standing in for HAPI FHIR
// (which cannot run on these machines); the demo server as `npm start` runs it is read-only.

const { bundles, asOf } = fixtureSetFor(new Date());
let writable: DemoFhirServer;
let readOnly: DemoFhirServer;

beforeAll(async () => {
  [writable, readOnly] = await Promise.all([
    startDemoFhirServer({ loadFixtures: false, acceptTransactions: true }),
    startDemoFhirServer({ loadFixtures: false }),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([writable.close(), readOnly.close()]);
});

async function total(path: string): Promise<number | undefined> {
  const res = await fetch(`${writable.baseUrl}/${path}${path.includes('?') ? '&' : '?'}_summary=count`);
  return ((await res.json()) as Bundle).total;
}

function subset(s: Scenarios, patients: string[], patch?: (s: Scenarios) => void): Scenarios {
  const copy: Scenarios = structuredClone({ ...s, patients: Object.fromEntries(patients.map((p) => [p, s.patients[p]!])) });
  patch?.(copy);
  return copy;
}

describe('fixtures:load', () => {
  it('turns every fixture into a transaction of PUTs under the resources own ids', () => {
    for (const bundle of bundles) {
      const tx = asPutTransaction(bundle);
      expect(tx.type).toBe('transaction');
      for (const entry of tx.entry ?? []) {
        expect(entry.request).toEqual({ method: 'PUT', url: `${entry.resource?.resourceType}/${entry.resource?.id}` });
      }
    }
  });

  it('loads every synthetic patient, and a second run changes no count (idempotent)', async () => {
    const patients = bundles.length;
    const resources = bundles.reduce((n, b) => n + (b.entry?.length ?? 0), 0);
    const first = await loadFixtures({ fhirBase: writable.baseUrl, bundles });
    expect(first.filter((r) => r.error)).toEqual([]);
    expect(first.reduce((n, r) => n + r.resources, 0)).toBe(resources);
    const counts = async () => [await total('Patient'), await total('Observation'), await total('MedicationRequest'), await total('Condition')];
    const afterFirst = await counts();
    expect(afterFirst[0]).toBe(patients);

    const second = await loadFixtures({ fhirBase: writable.baseUrl, bundles });
    expect(second.filter((r) => r.error)).toEqual([]);
    expect(await counts()).toEqual(afterFirst);
    // Ids kept: the scenario's patient ids are there as such.
    const res = await fetch(`${writable.baseUrl}/Patient/pat-cml-pregnant`);
    expect(res.status).toBe(200);
  }, 120_000);

  it('reports a read-only server (the demo FHIR server) per patient with its 405', async () => {
    const result = await loadBundle(bundles[0]!, { fhirBase: readOnly.baseUrl });
    expect(result.status).toBe(405);
    expect(result.error).toMatch(/^HTTP 405: .*read-only/);
    expect(await (await fetch(`${readOnly.baseUrl}/Patient?_summary=count`)).json()).toMatchObject({ total: 0 });
  });
});

describe('test:integration', () => {
  const scenarios = loadScenarios();
  const picked = ['pat-new-myeloma', 'pat-cml-pregnant', 'pat-dara-apheresis'];

  it('replays the calls without prefetch against the loaded server and finds the expected cards', async () => {
    const rows = await runIntegration({ fhirBase: writable.baseUrl, scenarios: subset(scenarios, picked), asOf });
    expect(rows.length).toBe(picked.reduce((n, p) => n + scenarios.patients[p]!.calls.length, 0));
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    expect(rows.some((r) => r.got.includes('cml-tki-pregnancy'))).toBe(true);
    const table = integrationTable(rows);
    expect(table.split('\n').at(-1)).toBe(`${rows.length} passed, 0 failed`);
  }, 120_000);

  it('reports a difference as DIFF with the missing and unexpected cards', async () => {
    const broken = subset(scenarios, ['pat-mgus'], (s) => {
      s.patients['pat-mgus']!.calls[0]!.expect = ['classify-mgus', 'no-such-card'];
    });
    const rows = await runIntegration({ fhirBase: writable.baseUrl, scenarios: broken, asOf });
    expect(rows.map((r) => r.ok)).toEqual([false]);
    const table = integrationTable(rows);
    // The other cards are the ones recorded for pat-mgus (they change when the scenarios are re-recorded).
    const unexpected = [...scenarios.patients['pat-mgus']!.calls[0]!.expect].filter((c) => c !== 'classify-mgus').sort();
    expect(table).toContain(`missing: no-such-card${unexpected.length > 0 ? `; unexpected: ${unexpected.join(', ')}` : ''}\n`);
    expect(table).toMatch(/^DIFF +pat-mgus /m);
    expect(table.split('\n').at(-1)).toBe('0 passed, 1 failed');
  }, 60_000);

  it('reports an unreachable server as data-unavailable differences, not as a pass', async () => {
    const rows = await runIntegration({ fhirBase: 'http://127.0.0.1:9/fhir', scenarios: subset(scenarios, ['pat-mgus']), asOf, deadlineMs: 1000 });
    expect(rows.every((r) => !r.ok)).toBe(true);
    expect(rows[0]?.got).toContain('service.data-unavailable');
  }, 60_000);
});
