import type { Finding, PatientSnapshot } from '../../types.js';
import { MAX_SINGLE_DOSE_UG, ropegDoseRangeContext } from './ropeg-dose-range-context.js';
import { context, draftOrder, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { draftRequest, FHIR_NOW, fhirSnapshot, patient, ROPEG_CODES } from './fhir.test-support.js';

const ROPEG = { display: 'Ropeginterferon alfa-2b', concepts: ['drug:ropeginterferon-alfa-2b', 'class:alpha-interferon'] };

function run(s: PatientSnapshot, now?: Date): Finding[] {
  return ropegDoseRangeContext.evaluate(s, context('order-sign', now));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

const withDose = (mg: number): PatientSnapshot => snapshot({ draftOrders: [draftOrder(ROPEG, { id: 'r', dose: { value: mg, unit: 'mg' } })] });

describe('ropeg-dose-range-context', () => {
  it('the maximum single dose is 500 µg', () => {
    expect(MAX_SINGLE_DOSE_UG).toBe(500);
    expect(ropegDoseRangeContext.hooks).toEqual(['order-sign']);
  });

  it('boundary: 499 and 500 µg -> info context; 501 µg -> warning', () => {
    expect(only(run(withDose(0.499)))).toMatchObject({ outcome: 'fired', variant: 'context', indicator: 'info', params: { dose: 499 } });
    expect(only(run(withDose(0.5)))).toMatchObject({ variant: 'context', indicator: 'info', params: { dose: 500 }, criteriaMet: ['ropeg-ordered', 'dose-within-500'] });
    const above = only(run(withDose(0.501)));
    expect(above).toMatchObject({ variant: 'above-max', params: { dose: 501 }, criteriaMet: ['ropeg-ordered', 'dose-above-500'] });
    expect(above.indicator).toBeUndefined(); // the card file's warning
  });

  it('no dose or a non-mass unit -> not-evaluable naming the dose', () => {
    expect(only(run(snapshot({ draftOrders: [draftOrder(ROPEG)] })))).toMatchObject({ outcome: 'not-evaluable', missing: ['dose'] });
    expect(only(run(snapshot({ draftOrders: [draftOrder(ROPEG, { dose: { value: 0.5, unit: 'mL' } })] })))).toMatchObject({ outcome: 'not-evaluable' });
  });

  it('MD-scope: no ropeginterferon draft -> no card', () => {
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib', { dose: { value: 2.6, unit: 'mg' } })] }))).toEqual([]);
  });

  it('through buildSnapshot: the same answer for µg and mg doses', () => {
    const p = patient('female', '1960-01-01');
    const dose = (value: number, code: string): Finding =>
      only(run(fhirSnapshot(p, [], [draftRequest('r', ROPEG_CODES, { dose: { value, code } })] as never), FHIR_NOW));
    expect(dose(600, 'ug')).toMatchObject({ variant: 'above-max', params: { dose: 600 } });
    expect(dose(0.6, 'mg')).toMatchObject({ variant: 'above-max', params: { dose: 600 } });
    expect(dose(500, 'ug')).toMatchObject({ variant: 'context', params: { dose: 500 } });
    expect(dose(1, 'mL').outcome).toBe('not-evaluable');
  });

  it('renders all variants in both languages', () => {
    const above = renderBoth(run(withDose(0.6)), 'order-sign');
    expect(above.en[0]?.summary).toBe('Ropeginterferon alfa-2b 600 µg exceeds the 500 µg maximum single dose (PV label); no CML dose is established');
    expect(above.en[0]?.indicator).toBe('warning');
    const ctx = renderBoth(run(withDose(0.1)), 'order-sign');
    expect(ctx.nb[0]?.summary).toMatch(/^Ropeginterferon alfa-2b 100 µg: PV-dosering/);
    expect(ctx.en[0]?.indicator).toBe('info');
    const ne = renderBoth(run(snapshot({ draftOrders: [draftOrder(ROPEG)] })), 'order-sign');
    expect(ne.en[0]?.source.topic?.code).toBe('ropeg-dose-range-context.not-evaluable');
  });
});
