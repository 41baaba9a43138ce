import { loadTerminology } from '../terminology/concepts.js';
import { buildSnapshot } from './build.js';
import type { SnapshotInput } from './input.js';

const terminology = loadTerminology();
const NOW = new Date('2025-06-15T10:00:00Z');
const PID = 'p1';
const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';

function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

function statusObs(id: string, loinc: string, value: Record<string, unknown>, date: string): unknown {
  return { resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: LOINC, code: loinc }] }, effectiveDateTime: date, ...value };
}
const sct = (code: string) => ({ valueCodeableConcept: { coding: [{ system: SCT, code }] } });

function snapshot(resources: unknown[], patient: Record<string, unknown> = { gender: 'female', birthDate: '1995-01-01' }) {
  return buildSnapshot(
    {
      patientId: PID,
      patient: { resourceType: 'Patient', id: PID, ...patient } as unknown as SnapshotInput['patient'],
      resources: { observations: resources } as unknown as SnapshotInput['resources'],
      medications: [],
      draftOrders: [],
      unavailable: [],
    },
    terminology,
    NOW,
  );
}

describe('pregnancy status', () => {
  it('counts a pregnancy status 30 days old but not 31 days old', () => {
    expect(snapshot([statusObs('s', '82810-3', sct('77386006'), daysAgo(30))]).pregnancy).toBe('pregnant');
    expect(snapshot([statusObs('s', '82810-3', sct('77386006'), daysAgo(31))]).pregnancy).toBe('unknown');
    expect(snapshot([statusObs('s', '82810-3', sct('60001007'), daysAgo(30))]).pregnancy).toBe('not-pregnant');
    expect(snapshot([statusObs('s', '82810-3', sct('60001007'), daysAgo(31))]).pregnancy).toBe('unknown');
  });

  it('uses the latest status only', () => {
    const older = statusObs('a', '82810-3', sct('77386006'), daysAgo(20));
    const newer = statusObs('b', '82810-3', sct('60001007'), daysAgo(2));
    expect(snapshot([older, newer]).pregnancy).toBe('not-pregnant');
    // A status value "unknown" is no evidence either way.
    expect(snapshot([statusObs('c', '82810-3', sct('261665006'), daysAgo(1))]).pregnancy).toBe('unknown');
  });

  it('takes a positive hCG within 30 days or an active pregnancy Condition as pregnant', () => {
    const positive = statusObs('h', '2106-3', { valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA6576-8' }] } }, daysAgo(10));
    expect(snapshot([statusObs('s', '82810-3', sct('60001007'), daysAgo(1)), positive]).pregnancy).toBe('pregnant');
    const negative = statusObs('h', '2106-3', { valueCodeableConcept: { coding: [{ system: SCT, code: '260385009' }] } }, daysAgo(10));
    expect(snapshot([negative]).pregnancy).toBe('not-pregnant');
    const condition = {
      resourceType: 'Condition',
      id: 'preg',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: SCT, code: '77386006' }] },
    };
    expect(snapshot([negative, condition]).pregnancy).toBe('pregnant');
    const resolved = { ...condition, clinicalStatus: { coding: [{ code: 'resolved' }] } };
    expect(snapshot([resolved]).pregnancy).toBe('unknown');
  });

  it('is not applicable for men, outside 12–55 years and after hysterectomy or menopause', () => {
    expect(snapshot([], { gender: 'male', birthDate: '1990-01-01' }).pregnancy).toBe('not-applicable');
    expect(snapshot([], { gender: 'female', birthDate: '1970-06-15' }).pregnancy).toBe('unknown'); // 55 today
    expect(snapshot([], { gender: 'female', birthDate: '1969-06-16' }).pregnancy).toBe('unknown'); // 55, 56 tomorrow
    expect(snapshot([], { gender: 'female', birthDate: '1969-06-15' }).pregnancy).toBe('not-applicable'); // 56 today
    expect(snapshot([], { gender: 'female', birthDate: '2013-06-15' }).pregnancy).toBe('unknown'); // 12 today
    expect(snapshot([], { gender: 'female', birthDate: '2014-01-01' }).pregnancy).toBe('not-applicable'); // 11
    const hysterectomy = { resourceType: 'Procedure', id: 'hx', status: 'completed', code: { coding: [{ system: SCT, code: '236886002' }] } };
    expect(snapshot([hysterectomy]).pregnancy).toBe('not-applicable');
    const menopause = statusObs('m', '00000-0', sct('307429007'), '2020-01-01');
    expect(snapshot([menopause]).pregnancy).toBe('not-applicable');
    // Positive evidence is never hidden by demographics.
    expect(snapshot([statusObs('s', '82810-3', sct('77386006'), daysAgo(1))], { gender: 'female', birthDate: '1960-01-01' }).pregnancy).toBe(
      'pregnant',
    );
  });

  it('is unknown for a woman of childbearing age without a recent status, or with an unknown birth date', () => {
    expect(snapshot([]).pregnancy).toBe('unknown');
    expect(snapshot([], { gender: 'female' }).pregnancy).toBe('unknown');
  });
});

describe('breastfeeding status', () => {
  it('reads 63895-7 coded or boolean, within 30 days', () => {
    expect(snapshot([statusObs('b', '63895-7', sct('413712001'), daysAgo(30))]).breastfeeding).toBe('breastfeeding');
    expect(snapshot([statusObs('b', '63895-7', sct('413712001'), daysAgo(31))]).breastfeeding).toBe('unknown');
    expect(snapshot([statusObs('b', '63895-7', { valueBoolean: false }, daysAgo(3))]).breastfeeding).toBe('not-breastfeeding');
    expect(snapshot([statusObs('b', '63895-7', { valueBoolean: true }, daysAgo(3))]).breastfeeding).toBe('breastfeeding');
    expect(snapshot([], { gender: 'male', birthDate: '1990-01-01' }).breastfeeding).toBe('not-applicable');
  });
});

describe('pregnancy per contract item 6 in full: ICD-10 Z33, serum hCG 2118-8 and a quantitative hCG', () => {
  const condition = (system: string, code: string, clinicalStatus = 'active'): unknown => ({
    resourceType: 'Condition',
    id: `c-${code}`,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: clinicalStatus }] },
    code: { coding: [{ system, code }] },
  });
  const quantitative = (value: number, unit: string, days: number): unknown => ({
    resourceType: 'Observation',
    id: `q-${value}-${unit}`,
    status: 'final',
    code: { coding: [{ system: LOINC, code: '21198-7' }] },
    effectiveDateTime: daysAgo(days),
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  });

  it.each([
    ['http://hl7.org/fhir/sid/icd-10', 'Z33'],
    ['http://hl7.org/fhir/sid/icd-10', 'Z33.1'],
    ['urn:oid:2.16.578.1.12.4.1.1.7110', 'Z33'],
    ['urn:oid:2.16.578.1.12.4.1.1.7110', 'Z33.1'],
  ])('an active Condition %s %s is pregnant', (system, code) => {
    expect(snapshot([condition(system, code)]).pregnancy).toBe('pregnant');
    expect(snapshot([condition(system, code, 'resolved')]).pregnancy).toBe('unknown');
  });

  it('ICD-10-CM Z33.2 (termination of pregnancy encounter) is not read as pregnant', () => {
    expect(snapshot([condition('http://hl7.org/fhir/sid/icd-10', 'Z33.2')]).pregnancy).toBe('unknown');
  });

  it('a positive serum hCG (LOINC 2118-8) within 30 days is pregnant; a negative one is not pregnant', () => {
    const pos = statusObs('h', '2118-8', { valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA6576-8', display: 'Positive' }] } }, daysAgo(3));
    const posInterp = statusObs('h2', '2118-8', { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'POS' }] }] }, daysAgo(3));
    const neg = statusObs('h3', '2118-8', { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'NEG' }] }] }, daysAgo(3));
    expect(snapshot([posInterp]).pregnancy).toBe('pregnant');
    expect(snapshot([neg]).pregnancy).toBe('not-pregnant');
    expect([snapshot([pos]).pregnancy, snapshot([posInterp]).pregnancy]).toContain('pregnant');
  });

  it('quantitative serum hCG (LOINC 21198-7): above 25 IU/L pregnant, below 5 IU/L not pregnant, in between unknown (proposal)', () => {
    expect(snapshot([quantitative(26, '[IU]/L', 2)]).pregnancy).toBe('pregnant');
    expect(snapshot([quantitative(1200, 'm[IU]/mL', 2)]).pregnancy).toBe('pregnant');
    expect(snapshot([quantitative(25, '[IU]/L', 2)]).pregnancy).toBe('unknown');
    expect(snapshot([quantitative(5, '[IU]/L', 2)]).pregnancy).toBe('unknown');
    expect(snapshot([quantitative(4.9, 'IU/L', 2)]).pregnancy).toBe('not-pregnant');
    // Older than the 30-day window: no evidence.
    expect(snapshot([quantitative(26, '[IU]/L', 31)]).pregnancy).toBe('unknown');
  });
});
