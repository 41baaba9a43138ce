import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import { mgusFollowup as rule, overdueDueDate } from './mgus-followup.js';
import { condition, context, draftProcedure, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { build, condition as fhirCondition, observation } from '../support/bone-vaccine-followup-fhir.test-support.js';

const DX = '2026-09-30T00:00:00Z';
const mgus = condition('cond:mgus', { onset: DX, id: 'mgus' });

/** All eight tests taken on `when`. */
function allTests(when: string): LabValue[] {
  return [
    lab('lab:hb', 13, 'g/dL', when),
    lab('lab:creatinine', 74, 'umol/L', when),
    lab('lab:calcium', 2.36, 'mmol/L', when),
    lab('lab:ntprobnp', 90, 'pg/mL', when),
    lab('lab:alp', 70, 'U/L', when),
    lab('lab:mprotein', 8, 'g/L', when),
    lab('lab:flc-kappa', 21, 'mg/L', when),
    lab('lab:urine-acr', 5, 'mg/g', when),
  ];
}
function run(s: PatientSnapshot, now: string): Finding[] {
  return rule.evaluate(s, context('patient-view', new Date(now)));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('mgus-followup', () => {
  it('declares hooks and needs', () => {
    expect(rule.hooks).toEqual(['patient-view']);
    expect(rule.needs).toEqual(['conditions', 'observations', 'serviceRequests']);
  });

  it('pat-mgus: onset 2026-09-30 gives no card on 2026-11-22 (first follow-up due after 6 months)', () => {
    expect(run(snapshot({ conditions: [mgus], labs: labsByConcept(...allTests('2026-09-24')) }), '2026-11-22T10:00:00Z')).toEqual([]);
    expect(run(snapshot({ conditions: [mgus] }), '2026-11-22T10:00:00Z')).toEqual([]);
  });

  it.each([
    ['2027-04-30T00:00:00Z', 0],
    ['2027-05-01T00:00:00Z', 1],
  ])('6 months + 1 month tolerance: on %s -> %p cards', (now, cards) => {
    const s = snapshot({ conditions: [mgus], labs: labsByConcept(...allTests('2026-09-24')) });
    expect(run(s, now)).toHaveLength(cards);
  });

  it.each([
    ['2027-02-28T00:00:00Z', 'counts'],
    ['2027-02-27T00:00:00Z', 'too early'],
  ])('a test on %s (1 month before the 6-month date) %s', (when, label) => {
    const labs = allTests(when);
    const f = run(snapshot({ conditions: [mgus], labs: labsByConcept(...labs) }), '2027-06-01T00:00:00Z');
    expect(f.length).toBe(label === 'counts' ? 0 : 1);
  });

  it('then yearly: due 18 months after diagnosis, shown after 19 months', () => {
    const s = snapshot({ conditions: [mgus], labs: labsByConcept(...allTests('2027-03-30')) });
    expect(run(s, '2028-04-30T00:00:00Z')).toEqual([]);
    const f = only(run(s, '2028-05-01T00:00:00Z'));
    expect(f.params).toEqual({ due: '2028-03-30', count: 8 });
    expect(overdueDueDate(new Date(DX), new Date('2028-05-01T00:00:00Z'))?.toISOString()).toBe('2028-03-30T00:00:00.000Z');
  });

  it('lists the missing tests, orders each, and notes a missing baseline M-protein', () => {
    const labs = allTests('2027-03-20').filter((v) => !['lab:ntprobnp', 'lab:urine-acr'].includes(v.concept));
    const f = only(run(snapshot({ conditions: [mgus], labs: labsByConcept(...labs) }), '2027-05-15T00:00:00Z'));
    expect(f).toMatchObject({ outcome: 'fired', params: { due: '2027-03-30', count: 2 } });
    expect(f.criteriaNotMet).toEqual(['ntprobnp', 'urine-acr', 'baseline-mprotein']);
    expect(f.suggestions).toEqual([
      { template: 'order-lab', params: { concept: 'lab:ntprobnp', loinc: '33762-6' } },
      { template: 'order-lab', params: { concept: 'lab:urine-acr', loinc: '9318-7' } },
    ]);
  });

  it('accepting the order suggestions (active ServiceRequests) removes the card', () => {
    const labs = allTests('2027-03-20').filter((v) => v.concept !== 'lab:alp');
    const s = snapshot({ conditions: [mgus], labs: labsByConcept(...labs) });
    expect(run(s, '2027-05-15T00:00:00Z')).toHaveLength(1);
    expect(run({ ...s, draftOrders: [draftProcedure('lab:alp')] }, '2027-05-15T00:00:00Z')).toEqual([]);
  });

  it('without an onset date the first M-protein starts the schedule; with neither -> MD-info', () => {
    const noDate = condition('cond:mgus', { id: 'nd' });
    const s = snapshot({ conditions: [noDate], labs: labsByConcept(lab('lab:mprotein', 6, 'g/L', '2026-01-10')) });
    expect(only(run(s, '2026-08-20T00:00:00Z')).params.due).toBe('2026-07-10');
    const f = only(run(snapshot({ conditions: [noDate] }), '2026-11-22T00:00:00Z'));
    expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['diagnosis-date', 'lab:mprotein'] });
  });

  it('MD-scope: no MGUS, or MGUS that has progressed to myeloma -> nothing', () => {
    expect(run(snapshot({}), '2028-01-01T00:00:00Z')).toEqual([]);
    expect(run(snapshot({ conditions: [mgus, condition('cond:multiple-myeloma')] }), '2028-01-01T00:00:00Z')).toEqual([]);
    expect(run(snapshot({ conditions: [condition('cond:mgus', { onset: DX, clinicalStatus: 'resolved' })] }), '2028-01-01T00:00:00Z')).toEqual([]);
  });

  it('unit variants through the snapshot builder: Hb g/L, creatinine mg/dL, M-protein g/dL still count as taken', () => {
    const obs = [
      observation('hb', '718-7', 131, 'g/L', '2027-03-20'),
      observation('cr', '2160-0', 0.84, 'mg/dL', '2027-03-20'),
      observation('ca', '2000-8', 9.4, 'mg/dL', '2027-03-20'),
      observation('nt', '33762-6', 90, 'ng/L', '2027-03-20'),
      observation('alp', '6768-6', 70, 'U/L', '2027-03-20'),
      observation('m', '33358-3', 0.8, 'g/dL', '2027-03-20'),
      observation('k', '36916-5', 2.1, 'mg/dL', '2027-03-20'),
      observation('acr', '9318-7', 5, 'mg/g', '2027-03-20'),
    ];
    const s = build([fhirCondition('c', 'http://hl7.org/fhir/sid/icd-10', 'D47.2', '2026-09-30'), ...obs], { now: new Date('2027-05-15T00:00:00Z') });
    expect(run(s, '2027-05-15T00:00:00Z')).toEqual([]);
    const withoutCr = build([fhirCondition('c', 'http://hl7.org/fhir/sid/icd-10', 'D47.2', '2026-09-30'), ...obs.filter((o) => o.id !== 'cr')], { now: new Date('2027-05-15T00:00:00Z') });
    expect(only(run(withoutCr, '2027-05-15T00:00:00Z')).criteriaNotMet).toEqual(['creatinine', 'baseline-mprotein']);
  });

  it('renders both outcomes in both languages', () => {
    const fired = run(snapshot({ conditions: [mgus] }), '2027-05-15T00:00:00Z');
    const ne = run(snapshot({ conditions: [condition('cond:mgus', { id: 'x' })] }), '2027-05-15T00:00:00Z');
    const { nb, en } = renderBoth([...fired, ...ne], 'patient-view');
    expect(en.map((c) => c.summary)).toEqual(
      expect.arrayContaining(['MGUS follow-up due since 2027-03-30: 8 of 8 tests missing', 'Cannot schedule MGUS follow-up: missing diagnosis date, serum M-protein']),
    );
    expect(nb.map((c) => c.summary)).toContain('MGUS-kontroll forfalt 2027-03-30: 8 av 8 prøver mangler');
    expect(en.find((c) => c.summary.startsWith('MGUS follow-up'))?.suggestions).toHaveLength(9);
  });
});
