import { readdirSync, readFileSync } from 'node:fs';
import type {
  Bundle,
  MedicationAdministration,
  MedicationRequest,
  Observation,
  Patient,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { fromRoot } from '../paths.js';
import { loadFixtureBundles, startDemoFhirServer } from './server.js';
import { FIXTURE_FILE } from './fixtures.js';
import type { DemoFhirServer } from './server.js';

// Every patient is listed, with the cards it is built for, in fixtures/scenarios.json.
const PATIENT_IDS = Object.keys(
  (JSON.parse(readFileSync(fromRoot('fixtures', 'scenarios.json'), 'utf8')) as { patients: Record<string, unknown> }).patients,
);
const TODAY = '2026-11-22';
const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';

// As written: the reference day (the loaders move it to today, see fixture-dates.test.ts).
const bundles = loadFixtureBundles(undefined, new Date(TODAY));
const fixtureFiles = readdirSync(fromRoot('fixtures'))
  .filter((name) => FIXTURE_FILE.test(name))
  .sort();

function resources(bundle: Bundle): Resource[] {
  return (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
}

function patientOf(bundle: Bundle): Patient {
  const patients = resources(bundle).filter((r): r is Patient => r.resourceType === 'Patient');
  expect(patients).toHaveLength(1);
  return patients[0] as Patient;
}

function bundleFor(patientId: string): Bundle {
  const bundle = bundles.find((b) => resources(b).some((r) => r.resourceType === 'Patient' && r.id === patientId));
  if (!bundle) throw new Error(`no fixture for ${patientId}`);
  return bundle;
}

function ofType<T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] {
  return resources(bundle).filter((r): r is T => r.resourceType === type);
}

function collectReferences(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectReferences(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string') out.push(v);
      else collectReferences(v, out);
    }
  }
  return out;
}

function hasCoding(value: unknown, system: string, code: string): boolean {
  return JSON.stringify(value).includes(`"system":"${system}","code":"${code}"`);
}

function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The latest Observation with this LOINC code. */
function labValue(bundle: Bundle, loinc: string): { value?: number; code?: string } {
  const obs = ofType<Observation>(bundle, 'Observation')
    .filter((o) => hasCoding(o.code, LOINC, loinc))
    .sort((a, b) => Date.parse(b.effectiveDateTime ?? '') - Date.parse(a.effectiveDateTime ?? ''))[0];
  return { value: obs?.valueQuantity?.value, code: obs?.valueQuantity?.code };
}

describe('fixture files', () => {
  it('hold one transaction Bundle per expected patient, named after the patient id', () => {
    expect(fixtureFiles).toEqual(PATIENT_IDS.map((id) => `${id}.json`).sort());
    expect(bundles).toHaveLength(fixtureFiles.length);
    bundles.forEach((bundle, i) => {
      expect(bundle.type).toBe('transaction');
      expect(`${patientOf(bundle).id}.json`).toBe(fixtureFiles[i]);
    });
  });

  it.each(PATIENT_IDS)('%s: every entry is PUT Type/id matching its resource', (patientId) => {
    const bundle = bundleFor(patientId);
    expect(bundle.entry?.length).toBeGreaterThan(0);
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      expect(resource?.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      expect(entry.request?.method).toBe('PUT');
      expect(entry.request?.url).toBe(`${resource?.resourceType}/${resource?.id}`);
    }
  });

  it.each(PATIENT_IDS)('%s: every reference resolves within the bundle and subjects point to its patient', (patientId) => {
    const bundle = bundleFor(patientId);
    const present = new Set(resources(bundle).map((r) => `${r.resourceType}/${r.id}`));
    for (const reference of collectReferences(bundle)) expect(present).toContain(reference);
    for (const resource of resources(bundle)) {
      // Immunization names its patient in `patient`, every other resource in `subject`.
      const subject = (resource as { subject?: { reference?: string }; patient?: { reference?: string } }).subject ?? (resource as { patient?: { reference?: string } }).patient;
      if (resource.resourceType !== 'Patient' && resource.resourceType !== 'Medication') {
        expect(subject?.reference).toBe(`Patient/${patientId}`);
      }
    }
  });

  it('use ids that are unique across all bundles', () => {
    const all = bundles.flatMap((b) => resources(b).map((r) => `${r.resourceType}/${r.id}`));
    expect(new Set(all).size).toBe(all.length);
  });

  it('carry no national identity numbers, only the demo identifier system', () => {
    for (const bundle of bundles) {
      expect(JSON.stringify(bundle)).not.toMatch(/\d{11}/);
      const patient = patientOf(bundle);
      expect(patient.identifier?.map((i) => i.system)).toEqual(['urn:heme-cds:demo']);
      expect(['male', 'female']).toContain(patient.gender);
      expect(patient.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('follow the Observation conventions (final, categorised, dated, UCUM quantities)', () => {
    for (const bundle of bundles) {
      for (const obs of ofType<Observation>(bundle, 'Observation')) {
        expect(obs.status).toBe('final');
        const category = obs.category?.[0]?.coding?.[0]?.code;
        // Pregnancy status is not a lab result; EHRs file it under social history, and coded
        // radiology findings under imaging.
        const imaging = ['lowdose-ct-lytic-lesions', 'wb-mri-focal-lesions', 'plasmacytoma-further-lesions-ct', 'plasmacytoma-further-lesions-mri'].some((code) =>
          hasCoding(obs.code, 'urn:heme-cds:local', code),
        );
        expect(category).toBe(hasCoding(obs.code, LOINC, '82810-3') ? 'social-history' : imaging ? 'imaging' : 'laboratory');
        expect(obs.effectiveDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
        expect((obs.effectiveDateTime ?? '') <= `${TODAY}T23:59:59`).toBe(true);
        if (obs.valueQuantity) {
          expect(typeof obs.valueQuantity.value).toBe('number');
          expect(obs.valueQuantity.system).toBe(UCUM);
          expect(obs.valueQuantity.code).toBeTruthy();
          expect(obs.valueQuantity.unit).toBeTruthy();
        } else {
          expect(obs.valueCodeableConcept?.coding?.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('give MedicationRequests R4 status, intent, subject, authoredOn and dosage text', () => {
    const requests = bundles.flatMap((b) => ofType<MedicationRequest>(b, 'MedicationRequest'));
    expect(requests.length).toBeGreaterThan(10);
    for (const request of requests) {
      expect(request.status).toBe('active');
      expect(request.intent).toBe('order');
      expect(request.subject?.reference).toMatch(/^Patient\//);
      expect(request.authoredOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(request.dosageInstruction?.[0]?.text).toBeTruthy();
      expect(Boolean(request.medicationCodeableConcept) !== Boolean(request.medicationReference)).toBe(true);
    }
  });
});

describe('clinical content the README promises', () => {
  it('pat-new-myeloma: staging labs within 60 days of diagnosis, ISS II band, both FISH forms', () => {
    const bundle = bundleFor('pat-new-myeloma');
    const onset = Date.parse('2026-10-15');
    expect(labValue(bundle, '1952-1')).toEqual({ value: 4.2, code: 'mg/L' });
    expect(labValue(bundle, '1751-7').code).toBe('g/L');
    expect(labValue(bundle, '718-7')).toEqual({ value: 108, code: 'g/L' });
    const ld = ofType<Observation>(bundle, 'Observation').find((o) => hasCoding(o.code, LOINC, '2532-0'));
    expect(ld?.referenceRange?.[0]?.high?.value).toBe(205);
    for (const obs of ofType<Observation>(bundle, 'Observation')) {
      if (obs.id?.endsWith('-referral')) continue;
      expect(Math.abs(Date.parse(obs.effectiveDateTime ?? '') - onset)).toBeLessThan(60 * 86_400_000);
    }
    const fish = ofType<Observation>(bundle, 'Observation').filter((o) => o.id?.includes('fish'));
    expect(fish.some((o) => o.component?.[0]?.valueCodeableConcept?.coding?.[0]?.code === 't(4;14)(p16.3;q32.3)')).toBe(true);
    expect(fish.some((o) => hasCoding(o.code, 'urn:heme-cds:fish-finding', 'gain1q'))).toBe(true);
    expect(fish.every((o) => hasCoding(o.valueCodeableConcept, LOINC, 'LA9633-4'))).toBe(true);
  });

  it('pat-bortezomib-no-valaciclovir: bortezomib, lenalidomide via Medication, no valaciclovir', () => {
    const bundle = bundleFor('pat-bortezomib-no-valaciclovir');
    expect(JSON.stringify(bundle)).not.toContain('J05AB11');
    const requests = ofType<MedicationRequest>(bundle, 'MedicationRequest');
    expect(requests.some((r) => hasCoding(r.medicationCodeableConcept, 'http://www.whocc.no/atc', 'L01XG01'))).toBe(true);
    expect(requests.some((r) => r.medicationReference?.reference === 'Medication/vrd-med-lenalidomide')).toBe(true);
    expect(hasCoding(bundle, 'urn:oid:2.16.578.1.12.4.1.1.7180', 'L04AX04')).toBe(true);
    expect(labValue(bundle, '1952-1').value).toBeGreaterThanOrEqual(5.5);
  });

  it('pat-cml-pregnant: a 31-year-old woman, pregnant within 30 days, on imatinib', () => {
    const bundle = bundleFor('pat-cml-pregnant');
    const patient = patientOf(bundle);
    expect(patient.gender).toBe('female');
    expect(ageOn(patient.birthDate ?? '', TODAY)).toBe(31);
    const status = ofType<Observation>(bundle, 'Observation').find((o) => hasCoding(o.code, LOINC, '82810-3'));
    expect(hasCoding(status?.valueCodeableConcept, 'http://snomed.info/sct', '77386006')).toBe(true);
    expect(Date.parse(`${TODAY}T12:00:00+01:00`) - Date.parse(status?.effectiveDateTime ?? '')).toBeLessThan(30 * 86_400_000);
    const imatinib = ofType<MedicationRequest>(bundle, 'MedicationRequest')[0];
    expect(hasCoding(imatinib?.medicationCodeableConcept, 'http://www.whocc.no/atc', 'L01EA01')).toBe(true);
  });

  it('pat-dara-apheresis: apheresis planned 21 days after the last daratumumab dose', () => {
    const bundle = bundleFor('pat-dara-apheresis');
    const given = ofType<MedicationAdministration>(bundle, 'MedicationAdministration')
      .map((a) => a.effectiveDateTime ?? '')
      .sort();
    expect(given.at(-1)?.slice(0, 10)).toBe('2026-11-05');
    const apheresis = ofType<ServiceRequest>(bundle, 'ServiceRequest')[0];
    expect(apheresis?.occurrenceDateTime).toBe('2026-11-26');
    expect(apheresis?.status).toBe('active');
    expect(hasCoding(bundle, 'http://www.whocc.no/atc', 'J05AB11')).toBe(true);
  });

  it('pat-lenalidomide-low-egfr: eGFR 24 within 14 days, creatinine in mg/dL', () => {
    const bundle = bundleFor('pat-lenalidomide-low-egfr');
    const egfr = ofType<Observation>(bundle, 'Observation')
      .filter((o) => hasCoding(o.code, LOINC, '98979-8'))
      .sort((a, b) => (b.effectiveDateTime ?? '').localeCompare(a.effectiveDateTime ?? ''))[0];
    expect(egfr?.valueQuantity?.value).toBe(24);
    expect(egfr?.valueQuantity?.code).toBe('mL/min/{1.73_m2}');
    expect(Date.parse(`${TODAY}T12:00:00+01:00`) - Date.parse(egfr?.effectiveDateTime ?? '')).toBeLessThan(14 * 86_400_000);
    expect(ofType<Observation>(bundle, 'Observation').some((o) => o.valueQuantity?.code === 'mg/dL' && o.valueQuantity.value === 2.4)).toBe(true);
  });

  it('pat-stage-missing-b2m has albumin but no β2M; pat-iss-nmol has β2M in nmol/L and albumin in g/dL', () => {
    const missing = bundleFor('pat-stage-missing-b2m');
    expect(labValue(missing, '1751-7').value).toBeDefined();
    expect(JSON.stringify(missing)).not.toMatch(/1952-1|76484-5/);
    const nmol = bundleFor('pat-iss-nmol');
    expect(labValue(nmol, '76484-5')).toEqual({ value: 500, code: 'nmol/L' });
    expect(labValue(nmol, '1751-7')).toEqual({ value: 3.6, code: 'g/dL' });
  });

  it('pat-no-data holds only the Patient', () => {
    expect(resources(bundleFor('pat-no-data')).map((r) => r.resourceType)).toEqual(['Patient']);
  });
});

describe('fixtures loaded into the demo server', () => {
  let server: DemoFhirServer;

  beforeAll(async () => {
    server = await startDemoFhirServer({ now: new Date(TODAY) });
  });

  afterAll(async () => {
    await server.close();
  });

  async function search(path: string): Promise<Bundle> {
    const res = await fetch(`${server.baseUrl}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Bundle;
  }

  // One search per patient, with the count the fixture is built to return.
  const ONE_SEARCH_PER_PATIENT: [patient: string, path: string, expected: number][] = [
    ['pat-new-myeloma', 'Observation?patient=pat-new-myeloma', 16],
    ['pat-mgus', 'Observation?patient=pat-mgus&code=http://loinc.org|33358-3', 1],
    ['pat-smouldering', 'Condition?patient=pat-smouldering&code=urn:heme-cds:local|smouldering-myeloma', 1],
    ['pat-bortezomib-no-valaciclovir', 'MedicationRequest?patient=pat-bortezomib-no-valaciclovir', 4],
    ['pat-cml-pregnant', 'Observation?patient=pat-cml-pregnant&code=http://loinc.org|82810-3', 1],
    ['pat-dara-apheresis', 'MedicationAdministration?patient=pat-dara-apheresis', 10],
    ['pat-lenalidomide-low-egfr', 'Observation?patient=pat-lenalidomide-low-egfr&code=http://loinc.org|98979-8', 2],
    ['pat-no-data', 'Observation?patient=pat-no-data', 0],
    ['pat-stage-missing-b2m', 'Observation?patient=pat-stage-missing-b2m', 1],
    ['pat-iss-nmol', 'Observation?patient=pat-iss-nmol&code=http://loinc.org|76484-5', 1],
  ];

  it.each(ONE_SEARCH_PER_PATIENT)('%s: %s returns %i', async (_patient, path, expected) => {
    const bundle = await search(`/${path}`);
    expect(bundle.total).toBe(expected);
    expect(bundle.entry ?? []).toHaveLength(expected);
  });

  it.each(PATIENT_IDS)('%s: the server holds every resource of the fixture', async (patientId) => {
    const fixture = bundleFor(patientId);
    const patient = await fetch(`${server.baseUrl}/Patient/${patientId}`);
    expect(patient.status).toBe(200);
    const counts = new Map<string, number>();
    for (const r of resources(fixture)) counts.set(r.resourceType, (counts.get(r.resourceType) ?? 0) + 1);
    for (const [type, count] of counts) {
      if (type === 'Patient') continue;
      const found =
        type === 'Medication'
          ? await search(`/Medication?_id=${ofType(fixture, 'Medication').map((m) => m.id).join(',')}`)
          : await search(`/${type}?patient=${patientId}`);
      expect([type, found.total]).toEqual([type, count]);
    }
  });
});
