import type { CodedObservation, Finding, LabValue, PatientSnapshot } from '../../types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { assessClinicalRelapse, relapseClinical } from './relapse-clinical.js';
import { renderBoth } from '../support/render.test-support.js';
import { coded, codedByConcept, condition, context, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const PREV = '2026-09-01T08:00:00Z';
const LAST = '2026-11-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2026-02-20', id: 'mm' });
const len = medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: '2026-03-01', id: 'len-1' });

function snap(labs: LabValue[], codedObs: CodedObservation[] = [], extra: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], administrations: [len], labs: labsByConcept(...labs), codedObservations: codedByConcept(...codedObs), ...extra });
}
const run = (s: PatientSnapshot): Finding[] => relapseClinical.evaluate(s, context('patient-view', NOW));
const findings = (s: PatientSnapshot) => assessClinicalRelapse(s, NOW).findings;
const withRange = (v: LabValue, range: { low?: number; high?: number }): LabValue => ({ ...v, referenceRange: range });
const hb = (v: number, at: string) => lab('lab:hb', v, 'g/dL', at);
const cac = (v: number, at: string) => lab('lab:calcium-corrected', v, 'mmol/L', at);

describe('relapse-clinical', () => {
  it('declares hooks and needs', () => {
    expect(relapseClinical.hooks).toEqual(['patient-view']);
    expect(relapseClinical.needs).toContain('observations');
  });

  describe('anaemia: Hb < 10 g/dL or < LLN − 2 g/dL, newly met or worse', () => {
    it.each([
      [11, 9.9, true],
      [11, 10, false],
      [9.5, 9.0, true], // already anaemic, worse
      [9.5, 9.6, false], // anaemic but better
    ])('Hb %p → %p g/dL → %p', (a, b, expected) => {
      expect(findings(snap([hb(a, PREV), hb(b, LAST)])).includes('anaemia')).toBe(expected);
    });
    it('LLN arm is strict: LLN 13 → < 11', () => {
      expect(findings(snap([hb(12.5, PREV), withRange(hb(10.9, LAST), { low: 13 })]))).toContain('anaemia');
      expect(findings(snap([hb(12.5, PREV), withRange(hb(11, LAST), { low: 13 })]))).not.toContain('anaemia');
    });
  });

  describe('hypercalcaemia: corrected Ca > 2.75 or > ULN + 0.25', () => {
    it.each([
      [2.5, 2.76, undefined, true],
      [2.5, 2.75, undefined, false],
      [2.4, 2.66, 2.4, true],
      [2.4, 2.65, 2.4, false],
    ])('Ca %p → %p (ULN %p) → %p', (a, b, uln, expected) => {
      const latest = uln === undefined ? cac(b, LAST) : withRange(cac(b, LAST), { high: uln });
      expect(findings(snap([cac(a, PREV), latest])).includes('calcium')).toBe(expected);
    });
    it('uses total calcium only when no corrected value is on record', () => {
      const total = [lab('lab:calcium', 2.4, 'mmol/L', PREV), lab('lab:calcium', 2.9, 'mmol/L', LAST)];
      expect(findings(snap(total))).toContain('calcium');
      expect(findings(snap([...total, cac(2.4, PREV), cac(2.5, LAST)]))).not.toContain('calcium');
    });
  });

  describe('renal failure: creatinine > 177 µmol/L or eGFR < 40', () => {
    it.each([
      ['lab:creatinine', 'umol/L', 150, 177.1, true],
      ['lab:creatinine', 'umol/L', 150, 177, false],
      ['lab:egfr', 'mL/min/{1.73_m2}', 45, 39.9, true],
      ['lab:egfr', 'mL/min/{1.73_m2}', 45, 40, false],
    ])('%s %p → %p → %p', (concept, unit, a, b, expected) => {
      expect(findings(snap([lab(concept, a, unit, PREV), lab(concept, b, unit, LAST)])).includes('renal')).toBe(expected);
    });
  });

  it('imaging lesion within 6 months, hyperviscosity Condition', () => {
    expect(findings(snap([], [coded('obs:imaging-progressive-lesion', ['answer:present'], '2026-06-01')]))).toEqual(['lesion']);
    expect(findings(snap([], [coded('obs:imaging-progressive-lesion', ['answer:present'], '2026-05-21')]))).toEqual([]);
    expect(findings(snap([], [coded('obs:imaging-progressive-lesion', ['answer:absent'], '2026-11-01')]))).toEqual([]);
    expect(findings(snap([], [], { conditions: [myeloma, condition('cond:hyperviscosity', { onset: '2026-11-10' })] }))).toEqual(['hyperviscosity']);
  });

  it('fires as a warning with the first finding as variant and the earliest date', () => {
    const s = snap([hb(11, PREV), hb(9, LAST)], [coded('obs:imaging-progressive-lesion', ['answer:present'], '2026-10-15')]);
    const f = run(s);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ outcome: 'fired', variant: 'lesion', criteriaMet: ['lesion', 'anaemia'] });
    expect(assessClinicalRelapse(s, NOW).date?.toISOString()).toBe(new Date('2026-10-15').toISOString());
  });

  describe('missing data', () => {
    it('some CRAB arms without two values → not evaluable, naming them', () => {
      const f = run(snap([hb(12, PREV), hb(12.5, LAST), cac(2.4, LAST)]));
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:calcium-corrected', 'lab:creatinine'] });
    });
    it('nothing evaluable, all normal, untreated, or no myeloma → no card', () => {
      expect(run(snap([]))).toEqual([]);
      const normal = [hb(12, PREV), hb(12.5, LAST), cac(2.4, PREV), cac(2.4, LAST), lab('lab:egfr', 80, 'mL/min/{1.73_m2}', PREV), lab('lab:egfr', 82, 'mL/min/{1.73_m2}', LAST)];
      expect(run(snap(normal))).toEqual([]);
      expect(run(snap([hb(11, PREV), hb(9, LAST)], [], { administrations: [] }))).toEqual([]);
      expect(run(snap([hb(11, PREV), hb(9, LAST)], [], { conditions: [] }))).toEqual([]);
    });
  });

  it('gives the same answer with Hb in g/L and mmol/L (FHIR via buildSnapshot)', () => {
    const hbObs = (id: string, loinc: string, value: number, unit: string, at: string) => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
      effectiveDateTime: at,
      valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    });
    const build = (observations: unknown[]) =>
      buildSnapshot(
        {
          patientId: 'p1',
          resources: {
            conditions: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] } }],
            medicationRequests: [
              { resourceType: 'MedicationRequest', id: 'm', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, authoredOn: '2026-03-01', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '342369' }] } },
            ],
            observations,
          },
          medications: [],
          draftOrders: [],
          unavailable: [],
        } as never,
        loadTerminology(),
        NOW,
      );
    const gl = build([hbObs('h1', '718-7', 110, 'g/L', PREV), hbObs('h2', '718-7', 99, 'g/L', LAST)]);
    expect(findings(gl)).toEqual(['anaemia']);
    const gl100 = build([hbObs('h1', '718-7', 110, 'g/L', PREV), hbObs('h2', '718-7', 100, 'g/L', LAST)]);
    expect(findings(gl100)).toEqual([]);
    const mmol = build([hbObs('h1', '59260-0', 7.0, 'mmol/L', PREV), hbObs('h2', '59260-0', 6.1, 'mmol/L', LAST)]);
    expect(findings(mmol)).toEqual(['anaemia']);
  });

  it('renders fired and not-evaluable cards in both languages', () => {
    const { nb, en } = renderBoth(run(snap([hb(11, PREV), hb(9, LAST)])), 'patient-view');
    // No M-protein/FLC series here: a CRAB worsening alone is a possible relapse, other causes first.
    expect(en[0]?.summary).toBe('Possible clinical relapse (worsening anaemia) without M-protein/FLC progression — exclude other causes');
    expect(nb[0]?.summary).toBe('Mulig klinisk tilbakefall (forverret anemi) uten progresjon i M-komponent/FLC — utred andre årsaker');
    expect(en[0]?.indicator).toBe('warning');
    for (const s of [snap([], [], { conditions: [myeloma, condition('cond:hyperviscosity')] }), snap([hb(12, PREV), hb(12.5, LAST), cac(2.4, LAST)])]) {
      const both = renderBoth(run(s), 'patient-view');
      expect(both.en[0]?.summary).toMatch(/clinical relapse/i);
    }
  });
});
