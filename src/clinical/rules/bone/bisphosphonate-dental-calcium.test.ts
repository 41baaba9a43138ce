import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { bisphosphonateDentalCalcium as rule, DENTAL_INTERVAL_MONTHS } from './bisphosphonate-dental-calcium.js';
import { context, draftOrder, draftProcedure, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { build, codeVariants, medicationRequest, procedure as fhirProcedure } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const ZOL = { display: 'Zoledronsyre', concepts: ['drug:zoledronic-acid', 'class:bisphosphonate'] };
const DENO = { display: 'Denosumab', concepts: ['drug:denosumab'] };
const CAD = { display: 'Kalsium + D', concepts: ['drug:calcium-vitamin-d'] };
const CA = { display: 'Kalsiumkarbonat', concepts: ['drug:calcium-carbonate'] };
const D3 = { display: 'Kolekalsiferol', concepts: ['drug:colecalciferol'] };
const dental = (date: string) => procedure('proc:dental-assessment', { id: 'dent', date });

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return rule.evaluate(s, context(hook, NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('bisphosphonate-dental-calcium', () => {
  it('declares hooks and needs', () => {
    expect(rule.hooks).toEqual(['patient-view', 'order-sign']);
    expect(rule.handlesUnavailable).toBe(true);
  });

  it('first zoledronic acid or denosumab without a dental assessment -> warning with both suggestions', () => {
    for (const drug of [ZOL, DENO]) {
      const f = only(run(snapshot({ draftOrders: [draftOrder(drug, { id: 'd' })] })));
      expect(f).toMatchObject({
        variant: 'dental-before-start',
        indicator: 'warning',
        subject: 'MedicationRequest/d',
        criteriaNotMet: ['dental-within-6-months', 'calcium-vitamin-d'],
        suggestions: [{ template: 'create-dental-referral' }, { template: 'create-calcium-vitamin-d' }],
      });
    }
  });

  it.each([
    ['2026-05-22T10:00:00Z', true],
    ['2026-05-21T10:00:00Z', false],
  ])('dental assessment on %s (6 months = boundary) counts: %p', (date, counts) => {
    expect(DENTAL_INTERVAL_MONTHS).toBe(6);
    const s = snapshot({ procedures: [dental(date)], medications: [medication(CAD)], draftOrders: [draftOrder(ZOL)] });
    expect(run(s).length).toBe(counts ? 0 : 1);
  });

  it('dental fine, no calcium + vitamin D -> info with the calcium suggestion; both components count', () => {
    const f = only(run(snapshot({ procedures: [dental('2026-10-01')], draftOrders: [draftOrder(ZOL)] })));
    expect(f).toMatchObject({ variant: 'calcium-vitamin-d', indicator: 'info', suggestions: [{ template: 'create-calcium-vitamin-d' }] });
    expect(run(snapshot({ procedures: [dental('2026-10-01')], medications: [medication(CA), medication(D3)], draftOrders: [draftOrder(ZOL)] }))).toEqual([]);
    expect(only(run(snapshot({ procedures: [dental('2026-10-01')], medications: [medication(CA)], draftOrders: [draftOrder(ZOL)] }))).variant).toBe('calcium-vitamin-d');
  });

  it('order-sign of a continuing treatment is left to patient-view', () => {
    const s = snapshot({ administrations: [medication(ZOL, { source: 'MedicationAdministration', occurredAt: '2026-10-01' })], draftOrders: [draftOrder(ZOL)] });
    expect(run(s)).toEqual([]);
  });

  describe('patient-view', () => {
    it('no dental record -> warning; older than 6 months -> info; recent -> nothing', () => {
      const base = { medications: [medication(DENO), medication(CAD)] };
      expect(only(run(snapshot(base), 'patient-view'))).toMatchObject({ variant: 'dental-missing', indicator: 'warning', subject: 'patient' });
      expect(only(run(snapshot({ ...base, procedures: [dental('2026-01-10')] }), 'patient-view'))).toMatchObject({ variant: 'dental-overdue', indicator: 'info' });
      expect(run(snapshot({ ...base, procedures: [dental('2026-08-10')] }), 'patient-view')).toEqual([]);
    });

    it('no current bone agent -> nothing', () => {
      expect(run(snapshot({ medications: [medication(DENO, { status: 'stopped' })] }), 'patient-view')).toEqual([]);
    });
  });

  it('procedures unavailable -> not-evaluable warning (MD-warn)', () => {
    const f = only(run(snapshot({ medications: [medication(CAD)], draftOrders: [draftOrder(ZOL)], unavailable: ['procedures'] })));
    expect(f).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['domain:procedures'] });
    expect(f.suggestions).toBeUndefined();
  });

  it('medication history unavailable -> the order counts as a start; calcium is not suggested blindly', () => {
    const s = snapshot({ procedures: [dental('2026-10-01')], draftOrders: [draftOrder(ZOL)], unavailable: ['medicationRequests'] });
    expect(run(s)).toEqual([]);
    expect(only(run({ ...s, procedures: [] })).suggestions).toEqual([{ template: 'create-dental-referral' }]);
  });

  it('accepting both suggestions (referral drafted/ordered, calcium drafted) removes the card', () => {
    const s = snapshot({ draftOrders: [draftOrder(ZOL)] });
    expect(run(s)).toHaveLength(1);
    const accepted = { ...s, draftOrders: [...s.draftOrders, draftProcedure('proc:dental-assessment'), draftOrder(CAD)] };
    expect(run(accepted)).toEqual([]);
    const ordered = { ...s, procedures: [procedure('proc:dental-assessment', { source: 'ServiceRequest', date: '2026-11-20' })], medications: [medication(CAD)] };
    expect(run(ordered)).toEqual([]);
  });

  describe('code variants through the snapshot builder', () => {
    it.each([...codeVariants('M05BA08', '77655'), ...codeVariants('M05BX04', '993449'), ...codeVariants('M05BA03', '11473')])('first dose coded as %s -> dental warning', (_l, coding) => {
      const s = build([], { drafts: [medicationRequest('d', coding, { status: 'draft' })], now: NOW });
      expect(only(run(s)).variant).toBe('dental-before-start');
    });

    it('a local dental procedure code and an A12AX statement settle it', () => {
      const s = build(
        [
          fhirProcedure('p', 'urn:heme-cds:local', 'dental-assessment', '2026-11-01'),
          { resourceType: 'MedicationStatement', id: 's', status: 'active', subject: { reference: 'Patient/pt-bvf' }, medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'A12AX' }] } } as never,
        ],
        { drafts: [medicationRequest('d', { codings: [{ system: 'http://www.whocc.no/atc', code: 'M05BX04' }] }, { status: 'draft' })], now: NOW },
      );
      expect(run(s)).toEqual([]);
    });
  });

  it('renders every kind of finding in both languages', () => {
    const findings = [
      ...run(snapshot({ draftOrders: [draftOrder(ZOL, { id: 'a' })] })),
      ...run(snapshot({ procedures: [dental('2026-10-01')], draftOrders: [draftOrder(DENO, { id: 'b' })] })),
      ...run(snapshot({ medications: [medication(DENO)] }), 'patient-view'),
      ...run(snapshot({ medications: [medication(DENO)], procedures: [dental('2025-01-01')] }), 'patient-view'),
      ...run(snapshot({ draftOrders: [draftOrder(ZOL, { id: 'c' })], unavailable: ['procedures'] })),
    ];
    expect(findings.map((f) => f.variant)).toEqual(['dental-before-start', 'calcium-vitamin-d', 'dental-missing', 'dental-overdue', 'default']);
    const pv = renderBoth(findings.filter((f) => f.subject === 'patient').slice(0, 1), 'patient-view');
    expect(pv.en[0]?.summary).toBe('Denosumab: no dental assessment on record');
    const { nb, en } = renderBoth(findings.filter((f) => f.subject !== 'patient'), 'order-sign');
    expect(nb.map((c) => c.summary)).toContain('Zoledronsyre: tannlegevurdering mangler før oppstart');
    expect(en.map((c) => c.summary)).toContain('Denosumab: add calcium 1000 mg + vitamin D 800 IU daily');
    const resources = en.flatMap((c) => c.suggestions ?? []).flatMap((s) => s.actions ?? []).map((a) => a.resource?.resourceType);
    expect(resources).toEqual(expect.arrayContaining(['ServiceRequest', 'MedicationRequest']));
  });
});
