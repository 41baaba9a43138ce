import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { responseMeasurableDisease } from './response-measurable-disease.js';
import { renderBoth } from '../support/render.test-support.js';
import { condition, context, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const BEFORE = '2026-02-25T08:00:00Z';
const START = '2026-03-01T09:00:00Z';
const LATER = '2026-10-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2026-02-20', id: 'mm' });
const len = medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: START, id: 'len-1' });

const serum = (v: number, at = BEFORE) => lab('lab:mprotein', v, 'g/L', at);
const urine = (v: number, at = BEFORE) => lab('lab:mprotein-urine-24h', v, 'mg/(24.h)', at);
const flc = (k: number, l: number, ratio: number, at = BEFORE) => [lab('lab:flc-kappa', k, 'mg/L', at), lab('lab:flc-lambda', l, 'mg/L', at), lab('lab:flc-ratio', ratio, '{ratio}', at)];

function snap(labs: LabValue[], extra: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], administrations: [len], labs: labsByConcept(...labs), ...extra });
}
function one(s: PatientSnapshot): Finding {
  const f = responseMeasurableDisease.evaluate(s, context('patient-view', NOW));
  expect(f).toHaveLength(1);
  return f[0] as Finding;
}

describe('response-measurable-disease', () => {
  it('declares hooks and needs', () => {
    expect(responseMeasurableDisease.hooks).toEqual(['patient-view']);
  });

  it.each([
    [[serum(10)], 'serum'],
    [[serum(9.9), ...flc(10, 20, 0.5)], 'none'],
    [[serum(9.9), urine(200)], 'urine'],
    [[serum(9.9), urine(199.9), ...flc(15, 12, 1.25)], 'none'],
    [[serum(30), urine(450)], 'serum-urine'],
    [[serum(5), ...flc(100, 8, 12.5)], 'flc'],
    [[serum(5), ...flc(99.9, 8, 12.5)], 'none'],
    [[serum(5), ...flc(150, 100, 1.5)], 'none'], // ≥ 100 but a normal ratio (C-12 proposal)
    [[serum(20), ...flc(500, 8, 62.5)], 'serum'], // FLC only when serum and urine are not measurable
  ])('baseline %# → %s', (labs, variant) => {
    expect(one(snap(labs))).toMatchObject({ outcome: 'fired', variant });
  });

  it('before any therapy the latest value is the baseline', () => {
    expect(one(snap([serum(4, '2026-01-01'), serum(12, LATER)], { administrations: [] })).variant).toBe('serum');
  });

  describe('missing data', () => {
    it('no baseline → not evaluable', () => {
      expect(one(snap([]))).toMatchObject({ outcome: 'not-evaluable', missing: ['serum-m-baseline', 'flc-baseline'] });
      expect(one(snap([serum(30, LATER)]))).toMatchObject({ outcome: 'not-evaluable', missing: ['serum-m-baseline', 'flc-baseline'] });
    });
    it('serum not measurable and no FLC → not evaluable naming FLC', () => {
      expect(one(snap([serum(5)]))).toMatchObject({ outcome: 'not-evaluable', missing: ['flc-baseline'] });
    });
    it('no myeloma → no card', () => {
      expect(responseMeasurableDisease.evaluate(snap([serum(20)], { conditions: [condition('cond:mgus')] }), context('patient-view', NOW))).toEqual([]);
    });
  });

  it('converts g/dL (FHIR via buildSnapshot): 1.0 g/dL is measurable, 0.99 is not', () => {
    const build = (value: number) =>
      buildSnapshot(
        {
          patientId: 'p1',
          resources: {
            conditions: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] } }],
            observations: [
              { resourceType: 'Observation', id: 'o', status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '33358-3' }] }, effectiveDateTime: LATER, valueQuantity: { value, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' } },
            ],
          },
          medications: [],
          draftOrders: [],
          unavailable: [],
        } as never,
        loadTerminology(),
        NOW,
      );
    expect(one(build(1.0)).variant).toBe('serum');
    expect(one(build(0.99))).toMatchObject({ outcome: 'not-evaluable', missing: ['flc-baseline'] });
  });

  it('renders every variant in both languages', () => {
    const cases: [LabValue[], string][] = [
      [[serum(10)], 'Measurable disease: serum M'],
      [[serum(9.9), urine(200)], 'Measurable disease: urine M'],
      [[serum(30), urine(450)], 'Measurable disease: serum M and urine M'],
      [[serum(5), ...flc(100, 8, 12.5)], 'Measurable disease: FLC only'],
      [[serum(5), ...flc(15, 12, 1.25)], 'Measurable disease: none'],
      [[], 'Cannot evaluate measurable disease: missing serum M-protein before therapy, free light chains (κ and λ) before therapy'],
    ];
    for (const [labs, text] of cases) {
      const { nb, en } = renderBoth(responseMeasurableDisease.evaluate(snap(labs), context('patient-view', NOW)), 'patient-view');
      expect(en[0]?.summary).toContain(text);
      expect(nb[0]?.summary).toMatch(/målbar sykdom/i);
    }
  });
});
