import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import type { Resource } from '@medplum/fhirtypes';
import { BLOOD_PLASMA_CELLS_BELOW_PCT, SMEAR_VALID_DAYS, cartBloodSmear as rule } from './cart-blood-smear.js';
import { context, daysFrom, draftOrder, draftProcedure, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { build, observation } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const referral = draftProcedure('proc:car-t-referral', { id: 'ref-1', display: 'Henvisning CAR-T' });
const smear = (pct: number, daysAgo = 3): LabValue => lab('lab:blood-plasma-cells-pct', pct, '%', daysFrom(NOW, -daysAgo));
const run = (s: PatientSnapshot, hook: 'order-select' | 'order-sign' = 'order-select'): Finding[] => rule.evaluate(s, context(hook, NOW));
const withSmear = (...labs: LabValue[]): PatientSnapshot => snapshot({ draftOrders: [referral], labs: labsByConcept(...labs) });

describe('cart-blood-smear', () => {
  it('runs on order-select (the referral is being written)', () => {
    expect(rule.hooks).toEqual(['order-select']);
  });

  it.each([
    [4.9, []],
    [5, ['cart-blood-smear:fired']],
    [12, ['cart-blood-smear:fired']],
  ])('blood plasma cells %p %% (must be < 5 %%) -> %j', (pct, expected) => {
    expect(BLOOD_PLASMA_CELLS_BELOW_PCT).toBe(5);
    const findings = run(withSmear(smear(pct)));
    expect(findings.map((f) => `${f.ruleId}:${f.outcome}`)).toEqual(expected);
    if (expected.length) expect(findings[0]).toMatchObject({ subject: 'ServiceRequest/ref-1', variant: 'plasma-cells-5-or-more', params: { pct } });
  });

  it(`a smear counts for ${SMEAR_VALID_DAYS} days (proposal); an older one is missing`, () => {
    expect(run(withSmear(smear(2, 30)))).toEqual([]);
    const old = run(withSmear(smear(2, 31)));
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:blood-plasma-cells-pct'], suggestions: [{ template: 'order-lab', params: { loinc: '13047-6' } }] });
  });

  it('no smear at all: one not-evaluable warning per referral, with the smear order', () => {
    const findings = run(snapshot({ draftOrders: [referral] }));
    expect(findings).toHaveLength(1);
    const { en, nb } = renderBoth(findings, 'order-select');
    expect(en[0]?.indicator).toBe('warning');
    expect(en[0]?.summary).toMatch(/^CAR-T referral requires a current blood smear with <5% plasma cells: missing/);
    expect(nb[0]?.summary).toMatch(/^Henvisning til CAR-T krever aktuelt blodutstryk/);
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'ServiceRequest', status: 'draft' });
  });

  it('a CAR-T product ordered directly counts as the start of the assessment', () => {
    const cilta = draftOrder({ display: 'cilta-cel', concepts: ['drug:ciltacabtagene-autoleucel', 'class:car-t', 'class:bcma-directed'] }, { id: 'cilta' });
    expect(run(snapshot({ draftOrders: [cilta] }))).toHaveLength(1);
  });

  it('MD-scope: no CAR-T order in focus, or another order -> no card', () => {
    expect(run(snapshot({ labs: labsByConcept(smear(9)) }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [{ ...referral, inFocus: false }], labs: labsByConcept(smear(9)) }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftProcedure('proc:stem-cell-apheresis')], labs: labsByConcept(smear(9)) }))).toEqual([]);
  });

  it('renders the 5 % card in both languages', () => {
    const { en, nb } = renderBoth(run(withSmear(smear(7))), 'order-select');
    expect(en[0]?.summary).toBe('CAR-T: 7% plasma cells in blood — referral requires <5% (PCL is not prioritised)');
    expect(nb[0]?.summary).toBe('CAR-T: 7 % plasmaceller i blod — krav er <5 % (plasmacelleleukemi prioriteres ikke)');
  });

  it('through the snapshot builder: LOINC 13047-6 in %', () => {
    const s = build([observation('s1', '13047-6', 6, '%', '2026-11-20')] as Resource[], { now: NOW });
    expect(run({ ...s, draftOrders: [referral] })[0]?.variant).toBe('plasma-cells-5-or-more');
  });
});
