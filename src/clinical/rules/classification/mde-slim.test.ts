import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { SLIM_CRITERIA, assessSlim, slimCriterion } from './mde-slim.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const noMri = undefined;
const cleanMri = { focalLesionSizesMm: [] };

describe('mde-slim', () => {
  it.each([
    [59, 'not-met'],
    [60, 'met'],
  ])('BMPC %p %% -> %s (with FLC and MRI evaluable and normal)', (bmpc, status) => {
    expect(slimCriterion(bmpc, { kappa: 20, lambda: 10 }, cleanMri).status).toBe(status);
  });

  it.each([
    [{ kappa: 100.1, lambda: 1.001 }, 'met'], // ratio 100, involved 100.1
    [{ kappa: 100, lambda: 1 }, 'not-met'], // ratio 100, involved 100 (not > 100)
    [{ kappa: 199.8, lambda: 2 }, 'not-met'], // ratio 99.9
    [{ kappa: 2, lambda: 250 }, 'met'], // λ involved: 125
  ])('FLC %j -> %s', (flc, status) => {
    expect(slimCriterion(10, flc, cleanMri).status).toBe(status);
  });

  it('takes the larger chain as involved and flags the assumption (C-5)', () => {
    expect(slimCriterion(10, { kappa: 2, lambda: 250 }, cleanMri).notMet).toContain('li-involved-chain-assumed');
  });

  it('a lab ratio alone: < 100 is not met; ≥ 100 needs the involved FLC', () => {
    expect(slimCriterion(10, { ratio: 99.9 }, cleanMri).status).toBe('not-met');
    expect(slimCriterion(10, { ratio: 0.0101 }, cleanMri).status).toBe('not-met'); // 1/0.0101 = 99
    expect(slimCriterion(10, { ratio: 100 }, cleanMri)).toMatchObject({ status: 'unknown', missing: ['lab:flc-kappa'] });
  });

  it('MRI: ≥ 2 focal lesions ≥ 5 mm', () => {
    expect(slimCriterion(10, { kappa: 20, lambda: 10 }, { focalLesionSizesMm: [5, 4.9] }).status).toBe('not-met');
    expect(slimCriterion(10, { kappa: 20, lambda: 10 }, { focalLesionSizesMm: [5, 6] }).status).toBe('met');
  });

  it('without coded MRI SLiM is unknown unless another arm is met', () => {
    expect(slimCriterion(30, { kappa: 20, lambda: 10 }, noMri)).toMatchObject({ status: 'unknown', missing: ['obs:wb-mri-lesions'] });
    expect(slimCriterion(60, { kappa: 20, lambda: 10 }, noMri).status).toBe('met');
  });

  it('reads FLC from a snapshot and reports the involved ratio', () => {
    const o = (id: string, loinc: string, v: number) => ({ resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: loinc }] }, effectiveDateTime: '2026-11-20', valueQuantity: { value: v, unit: 'mg/L', system: 'http://unitsofmeasure.org', code: 'mg/L' } });
    const input = { patientId: 'p1', resources: { observations: [o('k', '36916-5', 500), o('l', '33944-0', 4)] }, medications: [], draftOrders: [], unavailable: [] } as unknown as SnapshotInput;
    const r = assessSlim(buildSnapshot(input, loadTerminology(), NOW), { now: NOW });
    expect(r.status).toBe('met');
    expect(r.values).toEqual(expect.arrayContaining([expect.objectContaining({ concept: 'flc-involved-ratio', value: 125 })]));
  });
});

describe('coded whole-body MRI finding (C-4), read through the snapshot builder', () => {
  const NOW_ = new Date('2026-11-22T10:00:00Z');
  const snap = (code: string) =>
    buildSnapshot(
      {
        patientId: 'p1',
        resources: {
          observations: [
            {
              resourceType: 'Observation',
              id: 'mri',
              status: 'final',
              subject: { reference: 'Patient/p1' },
              code: { coding: [{ system: 'urn:heme-cds:local', code: 'wb-mri-focal-lesions' }] },
              effectiveDateTime: '2026-11-01T09:00:00+01:00',
              valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code }] },
            },
          ],
        },
        medications: [],
        draftOrders: [],
        unavailable: [],
      } as never,
      loadTerminology(),
      NOW_,
    );
  it('Present (≥ 2 focal lesions ≥ 5 mm) → SLiM met on the MRI arm alone', () => {
    const r = assessSlim(snap('LA9633-4'), { now: NOW_ });
    expect(r.status).toBe('met');
    expect(r.met).toContain(SLIM_CRITERIA.mri);
  });
  it('Absent → the MRI arm is not met and no longer missing', () => {
    const r = assessSlim(snap('LA9634-2'), { now: NOW_ });
    expect(r.notMet).toContain(SLIM_CRITERIA.mri);
    expect(r.missing).not.toContain('obs:wb-mri-lesions');
  });
});
