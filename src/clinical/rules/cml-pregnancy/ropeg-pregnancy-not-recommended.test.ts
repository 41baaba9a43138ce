import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { ropegPregnancyNotRecommended } from './ropeg-pregnancy-not-recommended.js';
import { context, draftOrder, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { ATC_OID, bornForAge, draftRequest, FHIR_NOW, fhirSnapshot, hcg, patient, pregnancyStatus, ROPEG_CODES } from './fhir.test-support.js';

export const ROPEG = { display: 'Ropeginterferon alfa-2b', concepts: ['drug:ropeginterferon-alfa-2b', 'class:alpha-interferon'] };

function run(s: PatientSnapshot, hook: Hook, now?: Date): Finding[] {
  return ropegPregnancyNotRecommended.evaluate(s, context(hook, now));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('ropeg-pregnancy-not-recommended', () => {
  it('pregnant + ropeginterferon draft -> warning on order-sign and on order-select (catalogue: warning on both hooks)', () => {
    const s = snapshot({ pregnancy: 'pregnant', draftOrders: [draftOrder(ROPEG, { id: 'r1' })] });
    expect(only(run(s, 'order-sign'))).toMatchObject({
      outcome: 'fired',
      subject: 'MedicationRequest/r1',
      indicator: 'warning',
      criteriaMet: ['ropeg-ordered', 'pregnant'],
      suggestions: [{ template: 'refer-haematologist' }],
    });
    expect(only(run(s, 'order-select')).indicator).toBe('warning');
    expect(renderBoth(run(s, 'order-select'), 'order-select').en[0]?.indicator).toBe('warning');
  });

  it('unknown -> not-evaluable (MD-warn) with an hCG order', () => {
    const f = only(run(snapshot({ pregnancy: 'unknown', draftOrders: [draftOrder(ROPEG)] }), 'order-sign'));
    expect(f).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['obs:pregnancy-status'], suggestions: [{ template: 'order-hcg' }] });
  });

  it('not pregnant, not applicable, or another interferon / no draft -> no card', () => {
    expect(run(snapshot({ pregnancy: 'not-pregnant', draftOrders: [draftOrder(ROPEG)] }), 'order-sign')).toEqual([]);
    expect(run(snapshot({ pregnancy: 'not-applicable', draftOrders: [draftOrder(ROPEG)] }), 'order-sign')).toEqual([]);
    const ifn = { display: 'Interferon alfa-2b', concepts: ['drug:interferon-alfa-2b', 'class:alpha-interferon'] };
    expect(run(snapshot({ pregnancy: 'pregnant', draftOrders: [draftOrder(ifn)] }), 'order-sign')).toEqual([]);
    expect(run(snapshot({ pregnancy: 'pregnant' }), 'order-sign')).toEqual([]);
  });

  describe('through buildSnapshot (FHIR R4)', () => {
    const woman = patient('female', bornForAge(30));
    const sign = (records: object[], drafts: object[], p: object = woman): Finding[] =>
      run(fhirSnapshot(p as never, records as never, drafts as never), 'order-sign', FHIR_NOW);
    const pregnant = [pregnancyStatus('ps', '2026-11-10', 'pregnant')];

    it('matches ropeginterferon by ATC, ATC OID, RxNorm only (IN and PIN) and a contained Medication', () => {
      const variants = [
        draftRequest('atc', { atc: 'L03AB15' }),
        draftRequest('oid', { atc: 'L03AB15', atcSystem: ATC_OID }),
        draftRequest('rx', { rxnorm: '2587059' }),
        draftRequest('pin', { rxnorm: '2587060' }),
        draftRequest('contained', ROPEG_CODES, { contained: true }),
      ];
      for (const v of variants) expect(only(sign(pregnant, [v])).outcome).toBe('fired');
    });

    it('window: status 30 days old fires, 31 days old is not-evaluable; hCG likewise', () => {
      const d = [draftRequest('r', ROPEG_CODES)];
      expect(only(sign([pregnancyStatus('ps', '2026-10-23', 'pregnant')], d)).outcome).toBe('fired');
      expect(only(sign([pregnancyStatus('ps', '2026-10-22', 'pregnant')], d)).outcome).toBe('not-evaluable');
      expect(only(sign([hcg('h', '2026-10-23', true)], d)).outcome).toBe('fired');
      expect(only(sign([hcg('h', '2026-10-22', true)], d)).outcome).toBe('not-evaluable');
    });

    it('ages 12/55 unknown -> not-evaluable; 11/56 -> no card; a negative hCG (accepted suggestion) -> no card', () => {
      const d = [draftRequest('r', ROPEG_CODES)];
      for (const age of [12, 55]) expect(only(sign([], d, patient('female', bornForAge(age)))).outcome).toBe('not-evaluable');
      for (const age of [11, 56]) expect(sign([], d, patient('female', bornForAge(age)))).toEqual([]);
      expect(sign([hcg('h', '2026-11-22', false)], d)).toEqual([]);
    });
  });

  it('renders both outcomes in both languages', () => {
    const fired = renderBoth(run(snapshot({ pregnancy: 'pregnant', draftOrders: [draftOrder(ROPEG)] }), 'order-sign'), 'order-sign');
    expect(fired.en[0]?.summary).toBe('Ropeginterferon alfa-2b is not recommended in pregnancy (abortifacient in primates; little human data); off-label in CML');
    expect(fired.nb[0]?.summary).toMatch(/anbefales ikke under graviditet/);
    const ne = renderBoth(run(snapshot({ pregnancy: 'unknown', draftOrders: [draftOrder(ROPEG)] }), 'order-select'), 'order-select');
    expect(ne.en[0]?.indicator).toBe('info');
    expect(ne.en[0]?.source.topic?.code).toBe('ropeg-pregnancy-not-recommended.not-evaluable');
    expect(ne.en[0]?.suggestions?.[0]?.actions?.[0]?.resource?.resourceType).toBe('ServiceRequest');
  });
});
