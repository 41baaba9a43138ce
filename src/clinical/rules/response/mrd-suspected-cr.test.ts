import type { CodedObservation, Finding, LabValue, PatientSnapshot } from '../../types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { MRD_LOINC, MRD_REPEAT_MONTHS, mrdSuspectedCr, sustainedMrdNegative } from './mrd-suspected-cr.js';
import { renderBoth } from '../support/render.test-support.js';
import { coded, codedByConcept, condition, context, draftOrder, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const IFE_DATE = '2026-10-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2025-02-20', id: 'mm' });
const negIfe = coded('obs:serum-immunofixation', ['answer:negative'], IFE_DATE);
const normalRatio = lab('lab:flc-ratio', 1.1, '{ratio}', IFE_DATE);
const mrd = (result: 'answer:negative' | 'answer:positive', at: string) => coded('lab:mrd-flow', [result], at);

function snap(labs: LabValue[], codedObs: CodedObservation[], extra: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], labs: labsByConcept(...labs), codedObservations: codedByConcept(...codedObs), ...extra });
}
const run = (s: PatientSnapshot, hook: 'patient-view' | 'order-sign' = 'patient-view'): Finding[] => mrdSuspectedCr.evaluate(s, context(hook, NOW));
const one = (s: PatientSnapshot): Finding => {
  const f = run(s);
  expect(f).toHaveLength(1);
  return f[0] as Finding;
};

describe('mrd-suspected-cr', () => {
  it('declares hooks and needs', () => {
    expect(mrdSuspectedCr.hooks).toEqual(['patient-view', 'order-sign']);
    expect(mrdSuspectedCr.needs).toEqual(['conditions', 'observations', 'medicationRequests']);
  });

  it('suspected CR without MRD → MRD by EuroFlow due, with an aspirate order', () => {
    const f = one(snap([normalRatio], [negIfe]));
    expect(f).toMatchObject({ outcome: 'fired', variant: 'mrd-due', criteriaMet: ['suspected-cr'] });
    expect(f.suggestions).toEqual([{ template: 'order-mrd', params: { concept: 'lab:mrd-flow', loinc: MRD_LOINC } }]);
  });

  it('no suspicion with a positive immunofixation, an abnormal ratio, or M-protein after the IFE', () => {
    expect(run(snap([normalRatio], [coded('obs:serum-immunofixation', ['answer:positive'], IFE_DATE)]))).toEqual([]);
    expect(run(snap([lab('lab:flc-ratio', 1.66, '{ratio}', IFE_DATE)], [negIfe]))).toEqual([]);
    expect(run(snap([normalRatio], [negIfe, coded('obs:urine-immunofixation', ['answer:positive'], IFE_DATE)]))).toEqual([]);
    expect(run(snap([normalRatio, lab('lab:mprotein', 1.2, 'g/L', '2026-11-01')], [negIfe]))).toEqual([]);
  });

  describe('MRD timing (12 months)', () => {
    it('negative MRD → repeat 12 months later; the order appears when it is due', () => {
      const notDue = one(snap([normalRatio], [negIfe, mrd('answer:negative', '2026-01-01')]));
      expect(notDue).toMatchObject({ variant: 'repeat-after-negative', params: { due: '2027-01-01' } });
      expect(notDue.suggestions).toBeUndefined();
      const due = one(snap([normalRatio], [negIfe, mrd('answer:negative', '2025-11-22T08:00:00Z')]));
      expect(due.params).toEqual({ due: '2026-11-22' });
      expect(due.suggestions?.[0]?.template).toBe('order-mrd');
      const dayBefore = one(snap([normalRatio], [negIfe, mrd('answer:negative', '2025-11-23T08:00:00Z')]));
      expect(dayBefore.suggestions).toBeUndefined();
    });

    it('positive MRD → repeat marrow after 1 year', () => {
      expect(one(snap([normalRatio], [negIfe, mrd('answer:positive', '2026-03-01')]))).toMatchObject({ variant: 'repeat-after-positive', params: { due: '2027-03-01' } });
    });

    it('two negatives ≥ 12 months apart → CD38 antibody may be stopped', () => {
      expect(MRD_REPEAT_MONTHS).toBe(12);
      const exact = snap([normalRatio], [negIfe, mrd('answer:negative', '2025-09-01'), mrd('answer:negative', '2026-09-01')]);
      expect(one(exact).variant).toBe('cd38-stop-patient');
      const short = snap([normalRatio], [negIfe, mrd('answer:negative', '2025-09-02'), mrd('answer:negative', '2026-09-01')]);
      expect(one(short).variant).toBe('repeat-after-negative');
      const interrupted = snap([normalRatio], [negIfe, mrd('answer:negative', '2025-01-01'), mrd('answer:positive', '2025-09-01'), mrd('answer:negative', '2026-09-01')]);
      expect(one(interrupted).variant).toBe('repeat-after-negative');
    });

    it('reads a quantitative 0 % as negative', () => {
      expect(sustainedMrdNegative([])).toBe(false);
      expect(one(snap([normalRatio, lab('lab:mrd-flow', 0, '%', '2026-06-01')], [negIfe])).variant).toBe('repeat-after-negative');
      expect(one(snap([normalRatio, lab('lab:mrd-flow', 0.003, '%', '2026-06-01')], [negIfe])).variant).toBe('repeat-after-positive');
    });
  });

  describe('order-sign on a CD38-antibody dose', () => {
    const sustained = [negIfe, mrd('answer:negative', '2025-09-01'), mrd('answer:negative', '2026-09-01')];
    it('says the antibody may be stopped, on the draft', () => {
      const f = run(snap([normalRatio], sustained, { draftOrders: [draftOrder('daratumumab', { id: 'd1' }), draftOrder('lenalidomide', { id: 'd2' })] }), 'order-sign');
      expect(f.map((x) => [x.subject, x.variant, x.params.drug])).toEqual([['MedicationRequest/d1', 'cd38-stop', 'Daratumumab']]);
    });
    it('says nothing before 12 months MRD-negative', () => {
      expect(run(snap([normalRatio], [negIfe], { draftOrders: [draftOrder('daratumumab')] }), 'order-sign')).toEqual([]);
    });
  });

  describe('missing data', () => {
    it('IFE on record but no FLC ratio → not evaluable', () => {
      expect(one(snap([], [negIfe]))).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:flc-ratio'] });
    });
    it('M-protein gone but no immunofixation → not evaluable', () => {
      expect(one(snap([lab('lab:mprotein', 0, 'g/L', IFE_DATE), normalRatio], []))).toMatchObject({ outcome: 'not-evaluable', missing: ['obs:serum-immunofixation'] });
    });
    it('CR not in question, or no myeloma → no card', () => {
      expect(run(snap([lab('lab:mprotein', 12, 'g/L', IFE_DATE)], []))).toEqual([]);
      expect(run(snapshot({ labs: labsByConcept(normalRatio), codedObservations: codedByConcept(negIfe) }))).toEqual([]);
    });
  });

  it('reads immunofixation and MRD from FHIR (local code, LOINC 93021-4 coded result)', () => {
    const s = buildSnapshot(
      {
        patientId: 'p1',
        resources: {
          conditions: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '109989006' }] } }],
          observations: [
            { resourceType: 'Observation', id: 'i', status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'urn:heme-cds:local', code: 'serum-immunofixation' }] }, effectiveDateTime: IFE_DATE, valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6577-6' }] } },
            { resourceType: 'Observation', id: 'r', status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '48378-4' }] }, effectiveDateTime: IFE_DATE, valueQuantity: { value: 1.1, system: 'http://unitsofmeasure.org', code: '{ratio}' } },
            { resourceType: 'Observation', id: 'm', status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '93021-4' }] }, effectiveDateTime: '2026-06-01', valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6577-6' }] } },
          ],
        },
        medications: [],
        draftOrders: [],
        unavailable: [],
      } as never,
      loadTerminology(),
      NOW,
    );
    expect(one(s)).toMatchObject({ variant: 'repeat-after-negative', params: { due: '2027-06-01' } });
  });

  it('renders every kind of finding in both languages', () => {
    const sustained = [negIfe, mrd('answer:negative', '2025-09-01'), mrd('answer:negative', '2026-09-01')];
    const cases: [Finding[], string, 'patient-view' | 'order-sign'][] = [
      [run(snap([normalRatio], [negIfe])), 'Suspected CR: MRD by EuroFlow due', 'patient-view'],
      [run(snap([normalRatio], [negIfe, mrd('answer:negative', '2026-01-01')])), 'repeat MRD (EuroFlow) 12 months later, 2027-01-01', 'patient-view'],
      [run(snap([normalRatio], [negIfe, mrd('answer:positive', '2026-03-01')])), 'Suspected CR, MRD positive', 'patient-view'],
      [run(snap([normalRatio], sustained)), 'MRD-negative CR >12 months: CD38 antibody may be stopped', 'patient-view'],
      [run(snap([normalRatio], sustained, { draftOrders: [draftOrder('daratumumab')] }), 'order-sign'), 'Daratumumab may be stopped', 'order-sign'],
      [run(snap([], [negIfe])), 'Cannot evaluate suspected CR: missing', 'patient-view'],
    ];
    for (const [findings, text, hook] of cases) {
      const { nb, en } = renderBoth(findings, hook);
      expect(en[0]?.summary).toContain(text);
      expect(nb[0]?.summary).toMatch(/CR/);
    }
    const { en } = renderBoth(run(snap([normalRatio], [negIfe])), 'patient-view');
    expect(en[0]?.suggestions?.[0]?.label).toBe('Order bone-marrow aspirate for MRD (EuroFlow)');
  });
});
