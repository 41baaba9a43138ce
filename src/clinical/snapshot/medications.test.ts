import { loadTerminology } from '../terminology/concepts.js';
import { buildSnapshot } from './build.js';
import type { SnapshotInput } from './input.js';

const terminology = loadTerminology();
const NOW = new Date('2025-06-15T10:00:00Z');
const PID = 'p1';
const ATC = 'http://www.whocc.no/atc';
const UCUM = 'http://unitsofmeasure.org';

function snapshotOf(resources: Partial<Record<string, unknown[]>>, medications: unknown[] = []) {
  return buildSnapshot(
    {
      patientId: PID,
      resources: resources,
      medications: medications as unknown as SnapshotInput['medications'],
      draftOrders: [],
      unavailable: [],
    },
    terminology,
    NOW,
  );
}

const bortezomibMedication = (id: string) => ({
  resourceType: 'Medication',
  id,
  code: { coding: [{ system: ATC, code: 'L01XG01', display: 'Bortezomib' }], text: 'Bortezomib 3,5 mg pulver' },
});

describe('medications', () => {
  it('reads a DSTU2 MedicationOrder (dateWritten, patient, doseQuantity)', () => {
    const order = {
      resourceType: 'MedicationOrder',
      id: 'mo1',
      status: 'active',
      patient: { reference: `Patient/${PID}` },
      dateWritten: '2025-05-20',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '342369' }], text: 'Lenalidomide 25 mg' },
      dosageInstruction: [{ doseQuantity: { value: 25, unit: 'mg', system: UCUM, code: 'mg' } }],
    };
    const [entry] = snapshotOf({ medicationRequests: [order] }).medications;
    expect(entry).toMatchObject({
      ref: 'MedicationOrder/mo1',
      source: 'MedicationRequest',
      concepts: ['drug:lenalidomide', 'class:imid'],
      display: 'Lenalidomide 25 mg',
      status: 'active',
      dose: { value: 25, unit: 'mg' },
    });
    expect(entry?.date?.toISOString()).toBe('2025-05-20T00:00:00.000Z');
  });

  it('resolves medicationReference to a contained Medication', () => {
    const request = {
      resourceType: 'MedicationRequest',
      id: 'mr1',
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${PID}` },
      authoredOn: '2025-06-01T09:00:00Z',
      contained: [bortezomibMedication('med1')],
      medicationReference: { reference: '#med1' },
      dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 2.2, system: UCUM, code: 'mg' } }] }],
    };
    const [entry] = snapshotOf({ medicationRequests: [request] }).medications;
    expect(entry).toMatchObject({
      concepts: ['drug:bortezomib', 'class:proteasome-inhibitor'],
      display: 'Bortezomib 3,5 mg pulver',
      dose: { value: 2.2, unit: 'mg' },
    });
  });

  it('resolves medicationReference to a bundled Medication by relative, absolute and urn:uuid references', () => {
    const requests = ['Medication/b1', 'https://fhir.example.org/Medication/b1/_history/2', 'urn:uuid:b1', 'b1'].map((reference, i) => ({
      resourceType: 'MedicationRequest',
      id: `r${i}`,
      status: 'active',
      subject: { reference: `Patient/${PID}` },
      medicationReference: { reference },
    }));
    const snapshot = snapshotOf({ medicationRequests: requests }, [bortezomibMedication('b1')]);
    expect(snapshot.medications).toHaveLength(4);
    for (const entry of snapshot.medications) expect(entry.concepts).toContain('drug:bortezomib');
  });

  it('finds a Medication that came among the resources (_include) and matches its ingredients', () => {
    const combination = {
      resourceType: 'Medication',
      id: 'combo',
      code: { text: 'Darzalex SC' },
      ingredient: [{ itemCodeableConcept: { coding: [{ system: ATC, code: 'L01FC01' }] } }],
    };
    const request = { resourceType: 'MedicationRequest', id: 'r', status: 'active', medicationReference: { reference: 'Medication/combo' } };
    const [entry] = snapshotOf({ medicationRequests: [request, combination] }).medications;
    expect(entry).toMatchObject({ concepts: ['drug:daratumumab', 'class:cd38-antibody'], display: 'Darzalex SC' });
  });

  it('falls back to the reference display text when the Medication cannot be found', () => {
    const request = {
      resourceType: 'MedicationRequest',
      id: 'r',
      status: 'active',
      medicationReference: { reference: 'Medication/missing', display: 'Valaciclovir 500 mg tablett' },
    };
    const [entry] = snapshotOf({ medicationRequests: [request] }).medications;
    expect(entry).toMatchObject({ concepts: ['drug:valaciclovir', 'class:vzv-antiviral'], display: 'Valaciclovir 500 mg tablett' });
  });

  it('reads administrations (R4 and DSTU2), newest first, with the dose in mg or as coded', () => {
    const r4 = {
      resourceType: 'MedicationAdministration',
      id: 'a1',
      status: 'completed',
      subject: { reference: `Patient/${PID}` },
      medicationCodeableConcept: { coding: [{ system: ATC, code: 'L01FC01' }] },
      effectivePeriod: { start: '2025-05-01T08:00:00Z', end: '2025-05-01T12:00:00Z' },
      dosage: { dose: { value: 1.8, system: UCUM, code: 'g' } },
    };
    const dstu2 = {
      resourceType: 'MedicationAdministration',
      id: 'a2',
      status: 'completed',
      patient: { reference: `Patient/${PID}` },
      medicationCodeableConcept: { coding: [{ system: ATC, code: 'L01AA03' }] },
      effectiveTimeDateTime: '2025-06-01T08:00:00Z',
      dosage: { quantity: { value: 200, system: UCUM, code: 'mg/m2' } },
    };
    const snapshot = snapshotOf({ medicationAdministrations: [r4, dstu2] });
    expect(snapshot.administrations.map((a) => a.ref)).toEqual(['MedicationAdministration/a2', 'MedicationAdministration/a1']);
    expect(snapshot.administrations[1]).toMatchObject({ source: 'MedicationAdministration', dose: { value: 1800, unit: 'mg' } });
    expect(snapshot.administrations[1]?.occurredAt?.toISOString()).toBe('2025-05-01T12:00:00.000Z');
    expect(snapshot.administrations[0]?.dose).toEqual({ value: 200, unit: 'mg/m2' });
    expect(snapshot.medications).toEqual([]);
  });

  it('reads statements and drops entered-in-error records', () => {
    const statement = {
      resourceType: 'MedicationStatement',
      id: 's1',
      status: 'completed',
      subject: { reference: `Patient/${PID}` },
      medicationCodeableConcept: { text: 'Thalidomide 100 mg' },
      effectivePeriod: { start: '2024-01-01', end: '2024-06-30' },
    };
    const wrong = { ...statement, id: 's2', status: 'entered-in-error' };
    const snapshot = snapshotOf({ medicationStatements: [statement, wrong] });
    expect(snapshot.medications).toHaveLength(1);
    expect(snapshot.medications[0]).toMatchObject({ source: 'MedicationStatement', concepts: ['drug:thalidomide', 'class:imid'] });
    expect(snapshot.medications[0]?.occurredAt?.toISOString()).toBe('2024-06-30T00:00:00.000Z');
    expect(snapshot.medications[0]?.date?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });
});
