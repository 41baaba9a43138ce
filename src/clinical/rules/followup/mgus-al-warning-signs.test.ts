import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import type { Resource } from '@medplum/fhirtypes';
import { RESULT_VALID_MONTHS, mgusAlWarningSigns as rule } from './mgus-al-warning-signs.js';
import { condition, context, draftProcedure, lab, labsByConcept, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { build, condition as fhirCondition, observation } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const mgus = condition('cond:mgus', { onset: '2025-03-10T00:00:00Z', id: 'mgus' });
const withRange = (v: LabValue, high: number): LabValue => ({ ...v, referenceRange: { high } });
const acr = (v: number, when = '2026-10-20'): LabValue => withRange(lab('lab:urine-acr', v, 'mg/g', when), 30);
const bnp = (v: number, when = '2026-10-20'): LabValue => withRange(lab('lab:ntprobnp', v, 'pg/mL', when), 125);
const withLabs = (...labs: LabValue[]): PatientSnapshot => snapshot({ conditions: [mgus], labs: labsByConcept(...labs) });
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('patient-view', NOW));

describe('mgus-al-warning-signs', () => {
  it('runs on patient-view only', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });

  it.each([
    [30, 0],
    [30.1, 1],
  ])('urine ACR %p mg/g against an upper limit of 30 -> %p cards', (value, cards) => {
    const findings = run(withLabs(acr(value)));
    expect(findings).toHaveLength(cards);
    if (cards) expect(findings[0]).toMatchObject({ outcome: 'fired', variant: 'albuminuria', criteriaMet: ['albuminuria'], criteriaNotMet: ['ntprobnp'] });
  });

  it.each([
    [125, 0],
    [126, 1],
  ])('NT-proBNP %p pg/mL against an upper limit of 125 -> %p cards', (value, cards) => {
    const findings = run(withLabs(bnp(value)));
    expect(findings).toHaveLength(cards);
    if (cards) expect(findings[0]?.variant).toBe('ntprobnp');
  });

  it('both signs give one card with the stronger wording', () => {
    const findings = run(withLabs(acr(80), bnp(900)));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ variant: 'both', criteriaMet: ['albuminuria', 'ntprobnp'] });
    expect(findings[0]?.values.map((v) => v.concept)).toEqual(['lab:urine-acr', 'lab:ntprobnp']);
  });

  it('urine albumin counts as albuminuria too', () => {
    expect(run(withLabs(withRange(lab('lab:urine-albumin', 40, 'mg/L', '2026-10-20'), 20)))[0]?.variant).toBe('albuminuria');
  });

  it('judges the newest value: a normal result after a raised one settles it', () => {
    expect(run(withLabs(acr(80, '2026-05-01'), acr(12, '2026-10-20')))).toEqual([]);
  });

  it(`a result counts for ${RESULT_VALID_MONTHS} months (proposal)`, () => {
    expect(RESULT_VALID_MONTHS).toBe(13);
    expect(run(withLabs(acr(80, '2025-10-23')))).toHaveLength(1);
    expect(run(withLabs(acr(80, '2025-10-21')))).toEqual([]);
  });

  it('without a reference range the H flag decides; with neither, no card', () => {
    const bare = lab('lab:ntprobnp', 900, 'pg/mL', '2026-10-20');
    expect(run(withLabs(bare))).toEqual([]);
    expect(run(withLabs({ ...bare, flaggedHigh: true }))).toHaveLength(1);
  });

  it('MD-scope: no MGUS, or MGUS that has progressed -> no card', () => {
    expect(run(snapshot({ labs: labsByConcept(acr(80)) }))).toEqual([]);
    const mm = condition('cond:multiple-myeloma', { onset: '2026-01-10T00:00:00Z', id: 'mm' });
    expect(run(snapshot({ conditions: [mgus, mm], labs: labsByConcept(acr(80)) }))).toEqual([]);
  });

  it('a referral to haematology since the finding (or ordered now) settles the card; an older one does not', () => {
    const s = withLabs(acr(80));
    expect(run({ ...s, draftOrders: [draftProcedure('proc:haematology-referral')] })).toEqual([]);
    expect(run({ ...s, procedures: [procedure('proc:haematology-referral', { source: 'ServiceRequest', date: '2026-11-01' })] })).toEqual([]);
    expect(run({ ...s, procedures: [procedure('proc:haematology-referral', { source: 'ServiceRequest', date: '2025-01-01' })] })).toHaveLength(1);
  });

  it('through the snapshot builder: reference range in mg/mmol, and an H flag without a range', () => {
    const dx = fhirCondition('c', 'http://hl7.org/fhir/sid/icd-10', 'D47.2', '2025-03-10');
    const ranged = {
      ...observation('a1', '9318-7', 10, 'mg/mmol', '2026-10-20'),
      referenceRange: [{ high: { value: 3, unit: 'mg/mmol', system: 'http://unitsofmeasure.org', code: 'mg/mmol' } }],
    } as unknown as Resource;
    expect(run(build([dx, ranged], { now: NOW }))[0]?.variant).toBe('albuminuria');
    const flagged = {
      ...observation('b1', '33762-6', 900, 'pg/mL', '2026-10-20'),
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] }],
    } as unknown as Resource;
    expect(run(build([dx, flagged], { now: NOW }))[0]?.variant).toBe('ntprobnp');
    const normal = {
      ...observation('b2', '33762-6', 900, 'pg/mL', '2026-10-20'),
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }] }],
    } as unknown as Resource;
    expect(run(build([dx, normal], { now: NOW }))).toEqual([]);
  });

  it('renders every variant in both languages with a referral suggestion', () => {
    for (const [labs, en] of [
      [[acr(80)], 'MGUS with albuminuria — consider AL amyloidosis work-up'],
      [[bnp(900)], 'MGUS with raised NT-proBNP — consider AL amyloidosis work-up'],
      [[acr(80), bnp(900)], 'MGUS with albuminuria and raised NT-proBNP — work up for AL amyloidosis'],
    ] as const) {
      const cards = renderBoth(run(withLabs(...labs)), 'patient-view');
      expect(cards.en[0]?.summary).toBe(en);
      expect(cards.en[0]?.indicator).toBe('warning');
      expect(cards.nb[0]?.summary).toMatch(/^MGUS med /);
      expect(cards.en[0]?.suggestions?.[0]?.actions?.[0]?.resource?.resourceType).toBe('ServiceRequest');
    }
  });
});
