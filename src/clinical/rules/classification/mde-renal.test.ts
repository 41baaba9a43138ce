import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { assessRenal, renalCriterion } from './mde-renal.js';

const NOW = new Date('2026-11-22T10:00:00Z');
function obs(id: string, loinc: string, value: number, unit: string): unknown {
  return { resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: loinc }] }, effectiveDateTime: '2026-11-20', valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } };
}
function snap(resources: unknown[]) {
  const input = { patientId: 'p1', resources: { observations: resources }, medications: [], draftOrders: [], unavailable: [] } as unknown as SnapshotInput;
  return buildSnapshot(input, loadTerminology(), NOW);
}

describe('mde-renal (creatinine > 177 µmol/L or eGFR < 40)', () => {
  it.each([
    [177, 60, 'not-met'],
    [177.1, 60, 'met'],
    [100, 39.9, 'met'],
    [100, 40, 'not-met'],
  ])('creatinine %p, eGFR %p -> %s', (c, e, status) => {
    expect(renalCriterion(c, e).status).toBe(status);
  });

  it('one arm met is enough; one arm missing and the other not met is unknown', () => {
    expect(renalCriterion(200, undefined)).toMatchObject({ status: 'met', met: ['r-creatinine-gt-177'] });
    expect(renalCriterion(90, undefined)).toMatchObject({ status: 'unknown', missing: ['lab:egfr'], notMet: ['r-creatinine-gt-177'] });
    expect(renalCriterion(undefined, undefined)).toMatchObject({ status: 'unknown', missing: ['lab:creatinine', 'lab:egfr'] });
  });

  it('creatinine in mg/dL (2160-0) gives the same answer: 2.00 mg/dL ≈ 176.8 µmol/L, 2.004 mg/dL ≈ 177.15 µmol/L', () => {
    const at = { now: NOW };
    const egfr = obs('e', '98979-8', 60, 'mL/min/{1.73_m2}');
    expect(assessRenal(snap([obs('c1', '2160-0', 2.0, 'mg/dL'), egfr]), at).status).toBe('not-met');
    expect(assessRenal(snap([obs('c2', '2160-0', 2.004, 'mg/dL'), egfr]), at).status).toBe('met');
    expect(assessRenal(snap([obs('c3', '14682-9', 177.1, 'umol/L'), egfr]), at).status).toBe('met');
    expect(assessRenal(snap([obs('c5', '14682-9', 177, 'umol/L'), egfr]), at).status).toBe('not-met');
    const r = assessRenal(snap([obs('c4', '2160-0', 2.2, 'mg/dL'), egfr]), at);
    expect(r.values[0]).toMatchObject({ concept: 'lab:creatinine', unit: 'umol/L' });
    expect(r.values[0]?.value).toBeCloseTo(194.48, 1);
  });
});
