import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { venetoclaxT1114Only } from './venetoclax-t1114-only.js';
import { coded, codedByConcept, condition, context, draftOrder, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth, renderValid } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, PID, SPECS, fhirSnapshot, medicationResource, suggestedResources } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');
const run = (s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] => venetoclaxT1114Only.evaluate(s, context(hook, NOW));
const mm = condition('cond:multiple-myeloma', { onset: '2022-01-01' });
const ven = (dose?: number): ReturnType<typeof draftOrder> => draftOrder(SPECS.venetoclax, { id: 'ven', ...(dose !== undefined ? { dose: { value: dose, unit: 'mg' } } : {}) });
const fish = (answer: string, date = '2022-01-10'): PatientSnapshot['codedObservations'] => codedByConcept(coded('fish:t11-14', [answer], date));

describe('venetoclax-t1114-only', () => {
  it('t(11;14) absent → critical with a remove-the-draft suggestion', () => {
    const [f] = run(snapshot({ conditions: [mm], codedObservations: fish('answer:absent'), draftOrders: [ven(400)] }));
    expect(f).toMatchObject({ outcome: 'fired', variant: 'absent', indicator: 'critical', subject: 'MedicationRequest/ven', params: { drug: 'Venetoklaks' } });
    expect(f?.suggestions).toEqual([{ template: 'remove-venetoclax', targetRef: 'MedicationRequest/ven' }]);
    expect(run(snapshot({ conditions: [mm], codedObservations: fish('answer:absent'), draftOrders: [ven()] }), 'order-select')[0]?.indicator).toBe('critical');
  });

  it('accepting the delete suggestion (draft removed) leaves no card', () => {
    const s = snapshot({ conditions: [mm], codedObservations: fish('answer:absent'), draftOrders: [ven()] });
    const card = renderValid(run(s), 'order-sign')[0];
    const [action] = suggestedResources(card);
    expect(action).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/ven' });
    expect(run({ ...s, draftOrders: s.draftOrders.filter((d) => d.ref !== action?.resourceId) })).toEqual([]);
  });

  it('the newest present/absent result wins', () => {
    const obs = codedByConcept(coded('fish:t11-14', ['answer:absent'], '2021-01-01'), coded('fish:t11-14', ['answer:present'], '2023-01-01'));
    expect(run(snapshot({ conditions: [mm], codedObservations: obs, draftOrders: [ven(400)] }))[0]?.variant).toBe('present');
  });

  it('t(11;14) present, 400 mg → info off-label reminder; other dose → warning', () => {
    const present = run(snapshot({ conditions: [mm], codedObservations: fish('answer:present'), draftOrders: [ven(400)] }))[0];
    expect(present).toMatchObject({ variant: 'present', indicator: 'info', criteriaMet: ['venetoclax-order', 't11-14-present'] });
    const noDose = run(snapshot({ conditions: [mm], codedObservations: fish('answer:present'), draftOrders: [ven()] }))[0];
    expect(noDose?.variant).toBe('present');
    for (const dose of [399.9, 400.1, 800]) {
      const f = run(snapshot({ conditions: [mm], codedObservations: fish('answer:present'), draftOrders: [ven(dose)] }))[0];
      expect(f).toMatchObject({ variant: 'present-dose', indicator: 'warning', params: { dose }, criteriaNotMet: ['dose-400'] });
    }
  });

  it('FISH missing (or without an answer) → not-evaluable warning with a FISH order; info on order-select', () => {
    const [f] = run(snapshot({ conditions: [mm], draftOrders: [ven()] }));
    expect(f).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['fish:t11-14'], suggestions: [{ template: 'order-fish-t11-14' }] });
    expect(run(snapshot({ conditions: [mm], codedObservations: fish('answer:status-unknown'), draftOrders: [ven()] }))[0]?.outcome).toBe('not-evaluable');
    expect(run(snapshot({ conditions: [mm], draftOrders: [ven()] }), 'order-select')[0]?.indicator).toBe('info');
  });

  it('MD-scope: no myeloma Condition, or no venetoclax draft → nothing', () => {
    expect(run(snapshot({ conditions: [condition('cond:cml')], draftOrders: [ven()] }))).toEqual([]);
    expect(run(snapshot({ conditions: [mm], draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
  });

  it.each(CODE_VARIANTS)('venetoclax coded as %s and FISH from FHIR (local code and ISCN) through the snapshot builder', (variant) => {
    const mmCondition = {
      resourceType: 'Condition',
      id: 'mm',
      subject: { reference: `Patient/${PID}` },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] },
    };
    const local = {
      resourceType: 'Observation',
      id: 'f1',
      status: 'final',
      subject: { reference: `Patient/${PID}` },
      effectiveDateTime: '2022-01-10',
      code: { coding: [{ system: 'http://loinc.org', code: '69548-6' }] },
      valueCodeableConcept: { coding: [{ system: 'urn:heme-cds:fish-finding', code: 't11-14' }] },
      interpretation: [{ coding: [{ system: 'http://loinc.org', code: 'LA9634-2' }] }],
    };
    const draft = medicationResource('MedicationRequest', 'ven-draft', DRUG_CODES.venetoclax, variant);
    const s = fhirSnapshot({ drafts: [draft], resources: { conditions: [mmCondition], observations: [local] } }, NOW);
    expect(run(s)[0]).toMatchObject({ variant: 'absent', subject: 'MedicationRequest/ven-draft' });
    const iscn = {
      resourceType: 'Observation',
      id: 'f2',
      status: 'final',
      subject: { reference: `Patient/${PID}` },
      effectiveDateTime: '2023-01-10',
      code: { coding: [{ system: 'http://loinc.org', code: '69548-6' }] },
      valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA9633-4' }] },
      component: [{ code: { coding: [{ system: 'http://loinc.org', code: '81291-7' }] }, valueCodeableConcept: { coding: [{ system: 'https://iscn.karger.com', code: 't(11;14)(q13;q32)' }] } }],
    };
    const s2 = fhirSnapshot({ drafts: [draft], resources: { conditions: [mmCondition], observations: [local, iscn] } }, NOW);
    expect(run(s2)[0]?.variant).toBe('present');
  });

  it('accepting the FISH suggestion as a draft still leaves the card until the result is in (the draft is not a result)', () => {
    const s = snapshot({ conditions: [mm], draftOrders: [ven()] });
    const [action] = suggestedResources(renderValid(run(s), 'order-sign')[0]);
    expect(action?.resource).toMatchObject({ resourceType: 'ServiceRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-1' } });
    const withOrder = fhirSnapshot({ drafts: [medicationResource('MedicationRequest', 'v', DRUG_CODES.venetoclax, 'atc-who'), action?.resource], resources: { conditions: [] } }, NOW);
    expect(withOrder.draftOrders).toHaveLength(2);
  });

  it('renders every kind of finding in both languages', () => {
    for (const [obs, variant] of [[fish('answer:absent'), /ikke påvist/], [fish('answer:present'), /påvist; off-label/], [{}, /ukjent/]] as const) {
      const { nb, en } = renderBoth(run(snapshot({ conditions: [mm], codedObservations: obs, draftOrders: [ven(400)] })), 'order-sign');
      expect(nb[0]?.summary).toMatch(variant);
      expect(en[0]?.summary).toMatch(/^Venetoklaks: /);
    }
    const dose = renderBoth(run(snapshot({ conditions: [mm], codedObservations: fish('answer:present'), draftOrders: [ven(800)] })), 'order-sign');
    expect(dose.en[0]?.summary).toBe('Venetoklaks: dose 800 mg differs from venetoclax 400 mg days 1–28 (t(11;14) present, off-label)');
  });
});
