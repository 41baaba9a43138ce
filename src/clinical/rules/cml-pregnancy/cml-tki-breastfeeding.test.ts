import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { cmlTkiBreastfeeding } from './cml-tki-breastfeeding.js';
import { codedByConcept, coded, condition, context, daysFrom, draftOrder, medication, NOW, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { bornForAge, draftRequest, FHIR_NOW, fhirSnapshot, localProcedure, patient, TKI_CODES } from './fhir.test-support.js';

const NILOTINIB = { display: 'Nilotinib', concepts: ['drug:nilotinib', 'class:tki-cml'] };

function run(s: PatientSnapshot, hook: Hook, now?: Date): Finding[] {
  return cmlTkiBreastfeeding.evaluate(s, context(hook, now));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('cml-tki-breastfeeding', () => {
  it('declares its hooks', () => {
    expect(cmlTkiBreastfeeding.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
    expect(cmlTkiBreastfeeding.handlesUnavailable).toBe(true);
  });

  it('breastfeeding + TKI draft -> critical on both order hooks, naming the evidence', () => {
    const s = snapshot({
      breastfeeding: 'breastfeeding',
      codedObservations: codedByConcept(coded('obs:breastfeeding-status', ['answer:breastfeeding'], daysFrom(NOW, -3), 'bf')),
      conditions: [condition('cond:breastfeeding', { id: 'bfc' })],
      draftOrders: [draftOrder(NILOTINIB, { id: 'n1' })],
    });
    for (const hook of ['order-select', 'order-sign'] as const) {
      const f = only(run(s, hook));
      expect(f).toMatchObject({ outcome: 'fired', subject: 'MedicationRequest/n1', params: { drug: 'Nilotinib' }, criteriaMet: ['tki-ordered', 'breastfeeding'] });
      expect(f.indicator).toBeUndefined();
      expect(f.values.map((v) => v.concept)).toEqual(['class:tki-cml', 'status-breastfeeding', 'cond:breastfeeding']);
    }
  });

  it('not breastfeeding or not applicable -> no card', () => {
    for (const breastfeeding of ['not-breastfeeding', 'not-applicable'] as const) {
      expect(run(snapshot({ breastfeeding, draftOrders: [draftOrder(NILOTINIB)] }), 'order-sign')).toEqual([]);
    }
  });

  it('status unknown without a recent delivery -> no card (the catalogue warns only postpartum)', () => {
    expect(run(snapshot({ breastfeeding: 'unknown', draftOrders: [draftOrder(NILOTINIB)] }), 'order-sign')).toEqual([]);
  });

  it('status unknown after a delivery within 12 months -> not-evaluable (warning on sign, info on select)', () => {
    const s = snapshot({
      breastfeeding: 'unknown',
      procedures: [procedure('proc:delivery', { id: 'del', date: '2025-02-10' })],
      draftOrders: [draftOrder(NILOTINIB)],
    });
    const f = only(run(s, 'order-sign'));
    expect(f).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['obs:breastfeeding-status'], criteriaMet: ['tki-ordered', 'postpartum'] });
    expect(f.values[1]).toMatchObject({ concept: 'proc:delivery', source: { resourceType: 'Procedure', id: 'del' } });
    expect(only(run(s, 'order-select')).indicator).toBe('info');
  });

  it('postpartum window: delivery 12 calendar months ago counts, one day more does not', () => {
    const at = (date: string): PatientSnapshot =>
      snapshot({ breastfeeding: 'unknown', procedures: [procedure('proc:delivery', { date })], draftOrders: [draftOrder(NILOTINIB)] });
    // NOW = 2025-06-01
    expect(run(at('2024-06-01'), 'order-sign')).toHaveLength(1);
    expect(run(at('2024-05-31'), 'order-sign')).toEqual([]);
  });

  it('a planned (not done) delivery does not count', () => {
    const s = snapshot({ breastfeeding: 'unknown', procedures: [procedure('proc:delivery', { date: '2025-03-01', status: 'preparation' })], draftOrders: [draftOrder(NILOTINIB)] });
    expect(run(s, 'order-sign')).toEqual([]);
  });

  it('procedures unavailable with status unknown -> not-evaluable naming the domain', () => {
    const s = snapshot({ breastfeeding: 'unknown', unavailable: ['procedures'], draftOrders: [draftOrder(NILOTINIB)] });
    expect(only(run(s, 'order-sign'))).toMatchObject({ outcome: 'not-evaluable', missing: ['obs:breastfeeding-status', 'domain:procedures'], criteriaMet: ['tki-ordered'] });
  });

  it('MD-scope: no TKI draft -> no card', () => {
    expect(run(snapshot({ breastfeeding: 'breastfeeding', draftOrders: [draftOrder('bortezomib')] }), 'order-sign')).toEqual([]);
  });
});

describe('cml-tki-breastfeeding through buildSnapshot (FHIR R4)', () => {
  const bfCondition = { resourceType: 'Condition', id: 'c-bf', subject: { reference: 'Patient/p-cml' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '413712001' }] } };

  it('an active breastfeeding Condition (SNOMED 413712001) fires for every TKI', () => {
    for (const [name, codes] of Object.entries(TKI_CODES)) {
      const s = fhirSnapshot(patient('female', bornForAge(33)), [bfCondition] as never, [draftRequest(`d-${name}`, codes)] as never);
      expect({ name, outcome: only(run(s, 'order-sign', FHIR_NOW)).outcome }).toEqual({ name, outcome: 'fired' });
    }
  });

  it('a delivery Procedure (local code) 4 months ago and no status -> not-evaluable; age 56 -> no card', () => {
    const records = [localProcedure('pr-del', 'delivery', '2026-07-20')];
    const draft = [draftRequest('d', TKI_CODES.imatinib as object)];
    expect(only(run(fhirSnapshot(patient('female', bornForAge(33)) as never, records as never, draft as never), 'order-sign', FHIR_NOW)).outcome).toBe('not-evaluable');
    expect(run(fhirSnapshot(patient('female', bornForAge(56)) as never, records as never, draft as never), 'order-sign', FHIR_NOW)).toEqual([]);
  });
});

describe('cml-tki-breastfeeding cards', () => {
  it('render both outcomes in both languages', () => {
    const fired = run(snapshot({ breastfeeding: 'breastfeeding', draftOrders: [draftOrder(NILOTINIB, { id: 'n1' })] }), 'order-sign');
    const { nb, en } = renderBoth(fired, 'order-sign');
    expect(en[0]?.indicator).toBe('critical');
    expect(en[0]?.summary).toBe('Breastfeeding: Nilotinib (TKI) passes into breast milk and is generally contraindicated during breastfeeding');
    expect(nb[0]?.summary).toMatch(/^Amming: Nilotinib/);
    expect(en[0]?.overrideReasons?.length).toBeGreaterThan(0);
    const unknown = run(snapshot({ breastfeeding: 'unknown', procedures: [procedure('proc:delivery', { date: '2025-03-01' })], draftOrders: [draftOrder(NILOTINIB)] }), 'order-sign');
    const ne = renderBoth(unknown, 'order-sign');
    expect(ne.en[0]?.source.topic?.code).toBe('cml-tki-breastfeeding.not-evaluable');
    expect(ne.nb[0]?.summary).toMatch(/ammestatus ukjent/);
  });
});

describe('cml-tki-breastfeeding on patient-view', () => {
  it('breastfeeding + active nilotinib -> the same critical card; on hold counts, stopped or unknown status does not', () => {
    const f = only(run(snapshot({ breastfeeding: 'breastfeeding', medications: [medication(NILOTINIB, { id: 'n1' })] }), 'patient-view'));
    expect(f).toMatchObject({ outcome: 'fired', subject: 'patient', params: { drug: 'Nilotinib' }, criteriaMet: ['tki-active', 'breastfeeding'] });
    expect(renderBoth([f], 'patient-view').nb[0]?.indicator).toBe('critical');
    expect(run(snapshot({ breastfeeding: 'breastfeeding', medications: [medication(NILOTINIB, { status: 'on-hold' })] }), 'patient-view')).toHaveLength(1);
    expect(run(snapshot({ breastfeeding: 'breastfeeding', medications: [medication(NILOTINIB, { status: 'stopped' })] }), 'patient-view')).toEqual([]);
    expect(run(snapshot({ breastfeeding: 'unknown', medications: [medication(NILOTINIB)] }), 'patient-view')).toEqual([]);
  });
});
