import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { anaemiaCriterion, assessAnaemia } from './mde-anaemia.js';

const NOW = new Date('2026-11-22T10:00:00Z');
function hb(id: string, value: number, unit: string, low?: number): unknown {
  return {
    resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
    effectiveDateTime: '2026-11-20', valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    ...(low !== undefined ? { referenceRange: [{ low: { value: low, unit, system: 'http://unitsofmeasure.org', code: unit } }] } : {}),
  };
}
function assess(o: unknown) {
  const input = { patientId: 'p1', resources: { observations: [o] }, medications: [], draftOrders: [], unavailable: [] } as unknown as SnapshotInput;
  return assessAnaemia(buildSnapshot(input, loadTerminology(), NOW), { now: NOW });
}

describe('mde-anaemia (Hb < 10 g/dL or < LLN − 2 g/dL)', () => {
  it.each([
    [9.9, 11, 'met'],
    [10, 11, 'not-met'],
    [11.4, 13.4, 'not-met'],
    [11.39, 13.4, 'met'],
  ])('Hb %p g/dL, LLN %p -> %s', (h, lln, status) => {
    expect(anaemiaCriterion(h, lln).status).toBe(status);
  });

  it('without an LLN evaluates only the < 10 arm and says so; without Hb it is unknown', () => {
    expect(anaemiaCriterion(10.5, undefined)).toMatchObject({ status: 'not-met', notMet: ['a-hb-lt-10', 'a-lln-not-reported'] });
    expect(anaemiaCriterion(undefined, undefined)).toMatchObject({ status: 'unknown', missing: ['lab:hb'] });
  });

  it.each([
    ['g/L', 99, 'met'],
    ['g/L', 100, 'not-met'],
    ['g/dL', 9.9, 'met'],
    ['g/dL', 10, 'not-met'],
    ['mmol/L', 6.14, 'met'], // 6.14 × 1.611 = 9.89 g/dL
    ['mmol/L', 6.21, 'not-met'], // 10.00 g/dL
  ])('Hb in %s: %p -> %s (same answer in every unit)', (unit, value, status) => {
    expect(assess(hb(`h-${unit}-${value}`, value, unit)).status).toBe(status);
  });

  it('the LLN arm works on a converted reference range (g/L and mmol/L)', () => {
    expect(assess(hb('a', 113, 'g/L', 134)).status).toBe('met'); // 11.3 < 13.4 − 2
    expect(assess(hb('b', 114, 'g/L', 134)).status).toBe('not-met');
    expect(assess(hb('c', 7.0, 'mmol/L', 8.3)).status).toBe('met'); // 11.28 < 13.37 − 2
  });
});
