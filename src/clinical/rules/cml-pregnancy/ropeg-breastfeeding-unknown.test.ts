import type { Finding, PatientSnapshot } from '../../types.js';
import { ropegBreastfeedingUnknown } from './ropeg-breastfeeding-unknown.js';
import { context, draftOrder, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { bornForAge, draftRequest, FHIR_NOW, fhirSnapshot, localProcedure, patient, ROPEG_CODES } from './fhir.test-support.js';

const ROPEG = { display: 'Ropeginterferon alfa-2b', concepts: ['drug:ropeginterferon-alfa-2b', 'class:alpha-interferon'] };

function run(s: PatientSnapshot, now?: Date): Finding[] {
  return ropegBreastfeedingUnknown.evaluate(s, context('order-sign', now));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('ropeg-breastfeeding-unknown', () => {
  it('runs on order-sign only', () => {
    expect(ropegBreastfeedingUnknown.hooks).toEqual(['order-sign']);
  });

  it('breastfeeding + ropeginterferon -> warning with a referral', () => {
    expect(only(run(snapshot({ breastfeeding: 'breastfeeding', draftOrders: [draftOrder(ROPEG, { id: 'r' })] })))).toMatchObject({
      outcome: 'fired',
      subject: 'MedicationRequest/r',
      criteriaMet: ['ropeg-ordered', 'breastfeeding'],
      suggestions: [{ template: 'refer-haematologist' }],
    });
  });

  it('postpartum with unknown status -> not-evaluable; unknown without a delivery, or not breastfeeding -> no card', () => {
    const postpartum = snapshot({ breastfeeding: 'unknown', procedures: [procedure('proc:delivery', { date: '2025-01-15' })], draftOrders: [draftOrder(ROPEG)] });
    expect(only(run(postpartum))).toMatchObject({ outcome: 'not-evaluable', missing: ['obs:breastfeeding-status'] });
    expect(run(snapshot({ breastfeeding: 'unknown', draftOrders: [draftOrder(ROPEG)] }))).toEqual([]);
    expect(run(snapshot({ breastfeeding: 'not-breastfeeding', draftOrders: [draftOrder(ROPEG)] }))).toEqual([]);
    expect(run(snapshot({ breastfeeding: 'not-applicable', draftOrders: [draftOrder(ROPEG)] }))).toEqual([]);
  });

  it('MD-scope: no ropeginterferon draft -> no card', () => {
    expect(run(snapshot({ breastfeeding: 'breastfeeding', draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
  });

  it('through buildSnapshot: breastfeeding status 63895-7 = 413712001 within 30 days fires, 31 days old falls back to the delivery', () => {
    const status = (date: string): object => ({
      resourceType: 'Observation',
      id: `bf-${date}`,
      status: 'final',
      subject: { reference: 'Patient/p-cml' },
      code: { coding: [{ system: 'http://loinc.org', code: '63895-7' }] },
      effectiveDateTime: date,
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '413712001' }] },
    });
    const p = patient('female', bornForAge(33));
    const d = [draftRequest('r', ROPEG_CODES)];
    const delivery = localProcedure('del', 'delivery', '2026-08-01');
    expect(only(run(fhirSnapshot(p as never, [status('2026-10-23'), delivery] as never, d as never), FHIR_NOW)).outcome).toBe('fired');
    expect(only(run(fhirSnapshot(p as never, [status('2026-10-22'), delivery] as never, d as never), FHIR_NOW)).outcome).toBe('not-evaluable');
  });

  it('renders both outcomes in both languages', () => {
    const fired = renderBoth(run(snapshot({ breastfeeding: 'breastfeeding', draftOrders: [draftOrder(ROPEG)] })), 'order-sign');
    expect(fired.en[0]?.summary).toBe('Ropeginterferon alfa-2b during breastfeeding: excretion into milk is unknown');
    expect(fired.nb[0]?.indicator).toBe('warning');
    const ne = renderBoth(run(snapshot({ breastfeeding: 'unknown', procedures: [procedure('proc:delivery', { date: '2025-01-15' })], draftOrders: [draftOrder(ROPEG)] })), 'order-sign');
    expect(ne.nb[0]?.summary).toMatch(/ammestatus ukjent/);
  });
});
