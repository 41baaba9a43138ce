import type { Finding, Hook, LabValue, PatientSnapshot } from '../../types.js';
import { CALCIUM_MAX_AGE_DAYS, denosumabSafety as rule } from './denosumab-safety.js';
import { context, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { build, codeVariants, medicationRequest, observation } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const DENO = { display: 'Denosumab', concepts: ['drug:denosumab'] };
const ZOL = { display: 'Zoledronsyre', concepts: ['drug:zoledronic-acid', 'class:bisphosphonate'] };
const ca = (value: number, daysAgo = 3, concept = 'lab:calcium'): LabValue => lab(concept, value, 'mmol/L', daysFrom(NOW, -daysAgo));
const egfr = (value: number): LabValue => lab('lab:egfr', value, 'mL/min/{1.73_m2}', daysFrom(NOW, -2));

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return rule.evaluate(s, context(hook, NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('denosumab-safety', () => {
  it('declares hooks and needs', () => {
    expect(rule.hooks).toEqual(['patient-view', 'order-sign']);
    expect(rule.needs).toContain('observations');
  });

  describe('order-sign: calcium within 14 days', () => {
    it.each([
      [CALCIUM_MAX_AGE_DAYS, 'fired'],
      [CALCIUM_MAX_AGE_DAYS + 0.01, 'not-evaluable'],
    ])('calcium %p days old -> %s', (age, outcome) => {
      expect(only(run(snapshot({ labs: labsByConcept(ca(2.3, age)), draftOrders: [draftOrder(DENO, { id: 'd' })] }))).outcome).toBe(outcome);
    });

    it('with calcium: warning reminder naming the value; corrected calcium is preferred', () => {
      const f = only(run(snapshot({ labs: labsByConcept(ca(2.3), ca(2.1, 5, 'lab:calcium-corrected')), draftOrders: [draftOrder(DENO, { id: 'd' })] })));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'ordered', subject: 'MedicationRequest/d', params: { calcium: 2.1 }, criteriaMet: ['calcium-within-14-days'] });
    });

    it('no calcium -> MD-warn with a calcium order suggestion; eGFR < 30 is noted', () => {
      const f = only(run(snapshot({ labs: labsByConcept(egfr(29.9)), draftOrders: [draftOrder(DENO)] })));
      expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:calcium'], criteriaMet: ['egfr-below-30'], suggestions: [{ template: 'order-lab', params: { concept: 'lab:calcium', loinc: '2000-8' } }] });
      expect(only(run(snapshot({ labs: labsByConcept(egfr(30)), draftOrders: [draftOrder(DENO)] }))).criteriaMet).toBeUndefined();
    });

    it('no denosumab draft -> nothing', () => {
      expect(run(snapshot({ draftOrders: [draftOrder(ZOL)] }))).toEqual([]);
    });

    it.each(codeVariants('M05BX04', '993449'))('denosumab coded as %s; calcium in mg/dL gives the same answer', (_l, coding) => {
      const mgdl = build([observation('c', '2000-8', 9.2, 'mg/dL', '2026-11-20')], { drafts: [medicationRequest('d', coding, { status: 'draft' })], now: NOW });
      const f = only(run(mgdl));
      expect(f.variant).toBe('ordered');
      expect(f.params.calcium).toBeCloseTo(2.3, 1);
      const mmol = build([observation('c', '2000-8', 2.3, 'mmol/L', '2026-11-20')], { drafts: [medicationRequest('d', coding, { status: 'draft' })], now: NOW });
      expect(only(run(mmol)).variant).toBe('ordered');
    });
  });

  describe('patient-view: final zoledronic acid dose after stopping', () => {
    const stopped = medication(DENO, { status: 'stopped', date: '2026-09-01', id: 'deno' });

    it('stopped with no zoledronic acid since -> warning with the final-dose suggestion', () => {
      const f = only(run(snapshot({ medications: [stopped] }), 'patient-view'));
      expect(f).toMatchObject({ variant: 'stopped', subject: 'patient', criteriaNotMet: ['final-zoledronic-acid'], suggestions: [{ template: 'create-zoledronic-acid-final-dose' }] });
    });

    it('eGFR < 30 -> both statements, clinician decision (C-29)', () => {
      expect(only(run(snapshot({ medications: [stopped], labs: labsByConcept(egfr(25)) }), 'patient-view')).variant).toBe('stopped-gfr-below-30');
    });

    it.each([
      ['2026-09-01T00:00:00Z', 0],
      ['2026-08-31T00:00:00Z', 1],
    ])('zoledronic acid given on %s -> %p cards', (when, cards) => {
      const given = medication(ZOL, { source: 'MedicationAdministration', occurredAt: when });
      expect(run(snapshot({ medications: [stopped], administrations: [given] }), 'patient-view')).toHaveLength(cards);
    });

    it('accepting the suggestion (active zoledronic acid order) removes the card', () => {
      expect(run(snapshot({ medications: [stopped, medication(ZOL, { date: '2026-11-22' })] }), 'patient-view')).toEqual([]);
    });

    it('still on denosumab, or never on it -> nothing', () => {
      expect(run(snapshot({ medications: [stopped, medication(DENO, { id: 'new' })] }), 'patient-view')).toEqual([]);
      expect(run(snapshot({}), 'patient-view')).toEqual([]);
    });
  });

  it('renders every kind of finding in both languages', () => {
    const order = [...run(snapshot({ labs: labsByConcept(ca(2.3)), draftOrders: [draftOrder(DENO, { id: 'a' })] })), ...run(snapshot({ draftOrders: [draftOrder(DENO, { id: 'b' })] }))];
    const pv = [
      ...run(snapshot({ medications: [medication(DENO, { status: 'stopped', date: '2026-09-01' })] }), 'patient-view'),
    ];
    const pvLow = run(snapshot({ medications: [medication(DENO, { status: 'completed', date: '2026-09-01' })], labs: labsByConcept(egfr(20)) }), 'patient-view');
    const o = renderBoth(order, 'order-sign');
    expect(o.en.map((c) => c.summary)).toEqual(['Denosumab: monitor for hypocalcaemia (Ca 2.3 mmol/L); finish with zoledronic acid', 'Denosumab: no calcium in the last 14 days, hypocalcaemia not checked']);
    expect(o.nb[0]?.summary).toContain('Ca 2,3 mmol/L');
    const p = renderBoth(pv, 'patient-view');
    expect(p.en[0]?.summary).toBe('Denosumab has been stopped: give a final dose of zoledronic acid');
    expect(p.en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'MedicationRequest', status: 'draft' });
    expect(renderBoth(pvLow, 'patient-view').nb[0]?.summary).toContain('GFR <30');
  });
});
