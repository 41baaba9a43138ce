import { loadTerminology } from '../terminology/concepts.js';
import { ageYearsAt, buildSnapshot } from './build.js';
import type { SnapshotInput } from './input.js';

const terminology = loadTerminology();
const NOW = new Date('2025-06-15T10:00:00Z');
const PID = 'p1';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

function input(resources: unknown[], extra: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    patientId: PID,
    resources: { observations: resources } as unknown as SnapshotInput['resources'],
    medications: [],
    draftOrders: [],
    unavailable: [],
    ...extra,
  };
}

function quantityObs(id: string, loinc: string, value: number, unit: string | undefined, date: string, more: Record<string, unknown> = {}): unknown {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system: LOINC, code: loinc }] },
    effectiveDateTime: date,
    valueQuantity: unit === undefined ? { value } : { value, unit, system: UCUM, code: unit },
    ...more,
  };
}

describe('buildSnapshot: patient guard', () => {
  it('drops resources of another patient and accepts every form of this patient reference', () => {
    const forms = [`Patient/${PID}`, PID, `https://fhir.example.org/r4/Patient/${PID}`, `Patient/${PID}/_history/3`];
    const mine = forms.map((reference, i) => ({ ...(quantityObs(`m${i}`, '718-7', 12, 'g/dL', '2025-06-01') as object), subject: { reference } }));
    const others = [
      { ...(quantityObs('o1', '718-7', 8, 'g/dL', '2025-06-02') as object), subject: { reference: 'Patient/p2' } },
      { ...(quantityObs('o2', '718-7', 8, 'g/dL', '2025-06-02') as object), subject: { reference: `https://x.org/Patient/${PID}x` } },
      { ...(quantityObs('o3', '718-7', 8, 'g/dL', '2025-06-02') as object), subject: { reference: `Group/${PID}` } },
      { ...(quantityObs('o4', '718-7', 8, 'g/dL', '2025-06-02') as object), subject: { reference: 'urn:uuid:abc' } },
    ];
    const condition = {
      resourceType: 'Condition',
      id: 'c-other',
      patient: { reference: 'Patient/p2' }, // DSTU2 field name
      code: { coding: [{ system: 'http://snomed.info/sct', code: '109989006' }] },
    };
    const snapshot = buildSnapshot(input([...mine, ...others, condition]), terminology, NOW);
    expect(snapshot.labs['lab:hb']?.map((v) => v.source.id).sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(snapshot.conditions).toEqual([]);
  });

  it('keeps a resource whose subject has no reference string', () => {
    const obs = { ...(quantityObs('x', '718-7', 12, 'g/dL', '2025-06-01') as object), subject: { display: 'someone' } };
    expect(buildSnapshot(input([obs]), terminology, NOW).labs['lab:hb']).toHaveLength(1);
  });
});

describe('buildSnapshot: labs', () => {
  it('gives the same canonical Hb for g/L, mmol/L and g/dL, newest first', () => {
    const snapshot = buildSnapshot(
      input([
        quantityObs('a', '718-7', 100, 'g/L', '2025-06-01'),
        quantityObs('b', '59260-0', 6.2056, 'mmol/L', '2025-06-03'),
        quantityObs('c', '718-7', 10, 'g/dL', '2025-06-02'),
      ]),
      terminology,
      NOW,
    );
    const hb = snapshot.labs['lab:hb'] ?? [];
    expect(hb.map((v) => v.source.id)).toEqual(['b', 'c', 'a']);
    for (const v of hb) {
      expect(v.value).toBeCloseTo(10, 3);
      expect(v.unit).toBe('g/dL');
    }
    expect(hb[0]?.reported).toEqual({ value: 6.2056, unit: 'mmol/L' });
  });

  it('drops a value with an unconvertible, unknown or missing unit instead of using it raw', () => {
    const snapshot = buildSnapshot(
      input([
        quantityObs('u1', '98979-8', 25, 'mg/L', '2025-06-01'),
        quantityObs('u2', '98979-8', 25, 'bananas', '2025-06-01'),
        quantityObs('u3', '98979-8', 25, undefined, '2025-06-01'),
        quantityObs('ok', '98979-8', 25, 'mL/min/{1.73_m2}', '2025-06-01'),
      ]),
      terminology,
      NOW,
    );
    expect(snapshot.labs['lab:egfr']?.map((v) => v.source.id)).toEqual(['ok']);
  });

  it('uses the free-text unit when the quantity is not UCUM-coded, and skips erroneous, cancelled and undated values', () => {
    const freeText = { ...(quantityObs('t', '2160-0', 2, undefined, '2025-06-01') as object), valueQuantity: { value: 2, unit: 'mg/dl' } };
    const snapshot = buildSnapshot(
      input([
        freeText,
        quantityObs('e', '2160-0', 9, 'mg/dL', '2025-06-01', { status: 'entered-in-error' }),
        quantityObs('x', '2160-0', 9, 'mg/dL', '2025-06-01', { status: 'cancelled' }),
        { ...(quantityObs('n', '2160-0', 9, 'mg/dL', '2025-06-01') as object), effectiveDateTime: undefined },
        { ...(quantityObs('p', '2160-0', 9, 'mg/dL', 'x') as object), effectiveDateTime: undefined, effectivePeriod: { start: '2025-05-01' } },
      ]),
      terminology,
      NOW,
    );
    const creatinine = snapshot.labs['lab:creatinine'] ?? [];
    expect(creatinine.map((v) => v.source.id)).toEqual(['t', 'p']);
    expect(creatinine[0]?.value).toBeCloseTo(176.8, 1);
    expect(creatinine[1]?.effective.toISOString()).toBe('2025-05-01T00:00:00.000Z');
  });

  it('converts the reference range and reads components', () => {
    const withRange = quantityObs('r', '2532-0', 300, 'U/L', '2025-06-01', {
      referenceRange: [{ low: { value: 2, unit: 'ukat/L', system: UCUM, code: 'ukat/L' }, high: { value: 205 } }],
    });
    const panel = {
      resourceType: 'Observation',
      id: 'flc',
      status: 'final',
      code: { text: 'Frie lette kjeder' },
      effectiveDateTime: '2025-06-10T08:00:00+02:00',
      component: [
        { code: { coding: [{ system: LOINC, code: '36916-5' }] }, valueQuantity: { value: 2.5, system: UCUM, code: 'mg/dL' } },
        { code: { coding: [{ system: LOINC, code: '33944-0' }] }, valueQuantity: { value: 12, system: UCUM, code: 'mg/L' } },
      ],
    };
    const snapshot = buildSnapshot(input([withRange, panel]), terminology, NOW);
    expect(snapshot.labs['lab:ld']?.[0]?.referenceRange).toEqual({ low: 120, high: 205 });
    expect(snapshot.labs['lab:flc-kappa']?.[0]).toMatchObject({ value: 25, unit: 'mg/L', source: { resourceType: 'Observation', id: 'flc' } });
    expect(snapshot.labs['lab:flc-lambda']?.[0]?.effective.toISOString()).toBe('2025-06-10T06:00:00.000Z');
  });
});

describe('buildSnapshot: coded results', () => {
  it('records serology answers and a viral load quantity', () => {
    const hbsag = {
      resourceType: 'Observation',
      id: 'hb',
      status: 'final',
      effectiveDateTime: '2025-06-01',
      code: { coding: [{ system: LOINC, code: '5196-1' }] },
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260385009' }] },
    };
    const cmv = quantityObs('cmv', '72493-0', 350, '[IU]/mL', '2025-06-02');
    const flagged = quantityObs('ld', '2532-0', 400, 'U/L', '2025-06-02', { interpretation: [{ coding: [{ code: 'H' }] }] });
    const snapshot = buildSnapshot(input([hbsag, cmv, flagged]), terminology, NOW);
    expect(snapshot.codedObservations['obs:hbsag']?.[0]?.valueConcepts).toEqual(['answer:negative']);
    expect(snapshot.labs['obs:cmv-dna']?.[0]).toMatchObject({ value: 350, unit: '[IU]/mL' });
    expect(snapshot.codedObservations['lab:ld']).toBeUndefined();
    expect(snapshot.labs['lab:ld']?.[0]?.value).toBe(400);
  });
});

describe('buildSnapshot: cytogenetics', () => {
  const FISH = 'urn:heme-cds:fish-finding';
  const present = { coding: [{ system: LOINC, code: 'LA9633-4' }] };
  const absent = { coding: [{ system: LOINC, code: 'LA9634-2' }] };

  it('reads the local FISH code as Observation.code with Present/Absent', () => {
    const snapshot = buildSnapshot(
      input([
        { resourceType: 'Observation', id: 'f1', status: 'final', effectiveDateTime: '2025-05-01', code: { coding: [{ system: FISH, code: 'del17p' }] }, valueCodeableConcept: present },
        { resourceType: 'Observation', id: 'f2', status: 'final', effectiveDateTime: '2025-05-01', code: { coding: [{ system: FISH, code: 't4-14' }] }, valueCodeableConcept: absent },
      ]),
      terminology,
      NOW,
    );
    expect(snapshot.codedObservations['fish:del17p']?.[0]?.valueConcepts).toEqual(['answer:present']);
    expect(snapshot.codedObservations['fish:t4-14']?.[0]?.valueConcepts).toEqual(['answer:absent']);
  });

  it('reads the local FISH code as the value of 69548-6 with an interpretation', () => {
    const obs = {
      resourceType: 'Observation',
      id: 'g1',
      status: 'final',
      effectiveDateTime: '2025-05-01',
      code: { coding: [{ system: LOINC, code: '69548-6' }] },
      valueCodeableConcept: { coding: [{ system: FISH, code: 'gain1q' }] },
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'POS' }] }],
    };
    const snapshot = buildSnapshot(input([obs]), terminology, NOW);
    expect(snapshot.codedObservations['fish:gain1q']?.[0]?.valueConcepts.sort()).toEqual(['answer:positive', 'answer:present']);
  });

  it('reads the ISCN pattern (69548-6 + 81291-7)', () => {
    const obs = {
      resourceType: 'Observation',
      id: 'i1',
      status: 'final',
      effectiveDateTime: '2025-05-01',
      code: { coding: [{ system: LOINC, code: '69548-6' }] },
      valueCodeableConcept: present,
      component: [
        {
          code: { coding: [{ system: LOINC, code: '81291-7' }] },
          valueCodeableConcept: { coding: [{ system: 'https://iscn.karger.com', code: 'ish del(17)(p13.1)(TP53x1)' }] },
        },
      ],
    };
    const snapshot = buildSnapshot(input([obs]), terminology, NOW);
    expect(snapshot.codedObservations['fish:del17p']?.[0]).toMatchObject({ valueConcepts: ['answer:present'], source: { id: 'i1' } });
    expect(snapshot.codedObservations['obs:genetic-variant']?.[0]?.valueConcepts).toEqual(['answer:present']);
  });
});

describe('buildSnapshot: demographics and robustness', () => {
  it('computes age in whole years, counting the birthday itself', () => {
    const at = new Date('2025-06-15T08:00:00Z');
    expect(ageYearsAt('1950-06-15', at)).toBe(75);
    expect(ageYearsAt('1950-06-16', at)).toBe(74);
    expect(ageYearsAt('2000-02-29', new Date('2025-02-28T12:00:00Z'))).toBe(24);
    expect(ageYearsAt('2000-02-29', new Date('2025-03-01T12:00:00Z'))).toBe(25);
    const snapshot = buildSnapshot(input([], { patient: { resourceType: 'Patient', id: PID, gender: 'male', birthDate: '1950-06-15' } }), terminology, at);
    expect(snapshot).toMatchObject({ gender: 'male', birthDate: '1950-06-15', ageYears: 75, pregnancy: 'not-applicable' });
  });

  it('gives an age from a partial birth date only when it is unambiguous', () => {
    expect(ageYearsAt('1950', new Date('2025-06-15T00:00:00Z'))).toBeUndefined();
    expect(ageYearsAt('1950', new Date('2025-12-31T00:00:00Z'))).toBe(75);
    expect(ageYearsAt('1950-03', new Date('2025-06-15T00:00:00Z'))).toBe(75);
    expect(ageYearsAt('1950-06', new Date('2025-06-15T00:00:00Z'))).toBeUndefined();
    expect(ageYearsAt('1950-13-01', new Date('2025-06-15T00:00:00Z'))).toBeUndefined();
    expect(ageYearsAt('nonsense', new Date('2025-06-15T00:00:00Z'))).toBeUndefined();
    expect(ageYearsAt(undefined, NOW)).toBeUndefined();
  });

  it('never throws on malformed input and copies unavailable domains', () => {
    const junk: unknown[] = [
      null,
      7,
      'Observation',
      [],
      { resourceType: 'Observation' },
      { resourceType: 'Observation', code: 'x', effectiveDateTime: 5, valueQuantity: 'x', component: 'y' },
      { resourceType: 'Observation', code: { coding: [{ system: LOINC, code: '718-7' }] }, effectiveDateTime: '2025-99-99', valueQuantity: { value: 1 } },
      { resourceType: 'MedicationRequest', medicationReference: 5, dosageInstruction: [null, { doseAndRate: 'x' }] },
      { resourceType: 'MedicationAdministration', dosage: [], effectivePeriod: 'x' },
      { resourceType: 'Condition', clinicalStatus: { coding: 'x' }, subject: { reference: 5 } },
      { resourceType: 'Procedure', performedPeriod: { start: {} } },
      { resourceType: 'Bundle', entry: [null, { resource: { resourceType: 'OperationOutcome' } }] },
    ];
    const malformed = {
      patientId: PID,
      patient: 'not a patient',
      resources: { observations: junk, conditions: 'x', medicationRequests: junk },
      medications: [null, { resourceType: 'Medication' }],
      draftOrders: [null, 1, { resourceType: 'MedicationRequest' }, { id: 'x' }],
      unavailable: ['procedures'],
    } as unknown as SnapshotInput;
    const snapshot = buildSnapshot(malformed, terminology, NOW);
    expect(snapshot.unavailable).toEqual(['procedures']);
    expect(snapshot.labs).toEqual({});
    expect(snapshot.pregnancy).toBe('unknown');
    expect(snapshot.draftOrders).toHaveLength(1);
    expect(snapshot.draftOrders[0]?.medication?.concepts).toEqual([]);
  });

  it('counts a resource found in two domains once', () => {
    const obs = quantityObs('dup', '718-7', 12, 'g/dL', '2025-06-01');
    const snapshot = buildSnapshot(
      { ...input([obs]), resources: { observations: [obs], conditions: [obs] } as unknown as SnapshotInput['resources'] },
      terminology,
      NOW,
    );
    expect(snapshot.labs['lab:hb']).toHaveLength(1);
  });
});
