import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { assessHypercalcaemia, correctCalcium, hypercalcaemiaCriterion } from './mde-hypercalcaemia.js';

const NOW = new Date('2026-11-22T10:00:00Z');
function obs(id: string, loinc: string, value: number, unit: string, high?: number): unknown {
  return {
    resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    effectiveDateTime: '2026-11-20', valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    ...(high !== undefined ? { referenceRange: [{ high: { value: high, unit, system: 'http://unitsofmeasure.org', code: unit } }] } : {}),
  };
}
function assess(resources: unknown[]) {
  const input = { patientId: 'p1', resources: { observations: resources }, medications: [], draftOrders: [], unavailable: [] } as unknown as SnapshotInput;
  return assessHypercalcaemia(buildSnapshot(input, loadTerminology(), NOW), { now: NOW });
}

describe('mde-hypercalcaemia (corrected Ca > 2.75 or > ULN + 0.25)', () => {
  it.each([
    [2.75, 2.6, 'not-met'],
    [2.76, 2.6, 'met'],
    [2.65, 2.4, 'not-met'],
    [2.66, 2.4, 'met'],
  ])('corrected Ca %p, ULN %p -> %s', (ca, uln, status) => {
    expect(hypercalcaemiaCriterion(ca, uln).status).toBe(status);
  });

  it('without a ULN only the 2.75 arm is evaluated, and the criteria say so', () => {
    expect(hypercalcaemiaCriterion(2.7, undefined)).toMatchObject({ status: 'not-met', notMet: ['c-ca-gt-2.75', 'c-uln-not-reported'] });
    expect(hypercalcaemiaCriterion(2.76, undefined).status).toBe('met');
    expect(hypercalcaemiaCriterion(undefined, undefined)).toMatchObject({ status: 'unknown', missing: ['lab:calcium-corrected'] });
  });

  it('prefers a lab-reported corrected Ca (29265-6) with its ULN', () => {
    const r = assess([obs('cc', '29265-6', 2.66, 'mmol/L', 2.4), obs('t', '2000-8', 2.2, 'mmol/L'), obs('a', '1751-7', 40, 'g/L')]);
    expect(r).toMatchObject({ status: 'met', met: ['c-ca-gt-uln-0.25'] });
    expect(r.values).toHaveLength(1);
  });

  it('calculates corrected Ca from total Ca and albumin (proposal formula), also from mg/dL total Ca', () => {
    expect(correctCalcium(2.45, 32)).toBeCloseTo(2.61, 6);
    const r = assess([obs('t', '2000-8', 2.6, 'mmol/L', 2.51), obs('a', '1751-7', 32, 'g/L')]);
    expect(r.status).toBe('met'); // 2.76 > 2.75
    expect(r.values).toEqual(expect.arrayContaining([expect.objectContaining({ concept: 'ca-corrected-calculated', value: 2.76 })]));
    const mg = assess([obs('t2', '17861-6', 11.02, 'mg/dL'), obs('a2', '1751-7', 40, 'g/L')]); // 2.75 mmol/L
    expect(mg.status).toBe('not-met');
  });

  it('total Ca without albumin is unknown', () => {
    expect(assess([obs('t', '2000-8', 3.0, 'mmol/L')])).toMatchObject({ status: 'unknown', missing: ['lab:calcium-corrected'] });
  });
});
