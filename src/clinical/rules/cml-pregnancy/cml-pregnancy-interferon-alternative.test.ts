import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { cmlPregnancyInterferonAlternative } from './cml-pregnancy-interferon-alternative.js';
import { condition, context, draftOrder, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { bornForAge, CML, FHIR_NOW, fhirSnapshot, patient, pregnancyStatus } from './fhir.test-support.js';

const IMATINIB = { display: 'Imatinib', concepts: ['drug:imatinib', 'class:tki-cml'] };
const cml = condition('cond:cml', { id: 'cml', onset: '2024-06-12' });

function run(s: PatientSnapshot, hook: Hook, now?: Date): Finding[] {
  return cmlPregnancyInterferonAlternative.evaluate(s, context(hook, now));
}

describe('cml-pregnancy-interferon-alternative', () => {
  it('runs on patient-view and order-select only', () => {
    expect(cmlPregnancyInterferonAlternative.hooks).toEqual(['patient-view', 'order-select']);
  });

  it('patient-view: CML + pregnant -> info for the patient, with a referral', () => {
    const [f, ...rest] = run(snapshot({ pregnancy: 'pregnant', conditions: [cml] }), 'patient-view');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ outcome: 'fired', subject: 'patient', criteriaMet: ['cml', 'pregnant'], suggestions: [{ template: 'refer-haematologist' }] });
    expect(f?.values[0]).toMatchObject({ concept: 'diagnosis', source: { resourceType: 'Condition', id: 'cml' } });
  });

  it('no card unless pregnant (unknown, not pregnant, not applicable)', () => {
    for (const pregnancy of ['unknown', 'not-pregnant', 'not-applicable'] as const) {
      expect(run(snapshot({ pregnancy, conditions: [cml] }), 'patient-view')).toEqual([]);
    }
  });

  it('MD-scope: pregnant without CML (or CML resolved) -> no card', () => {
    expect(run(snapshot({ pregnancy: 'pregnant' }), 'patient-view')).toEqual([]);
    expect(run(snapshot({ pregnancy: 'pregnant', conditions: [condition('cond:cml', { clinicalStatus: 'resolved' })] }), 'patient-view')).toEqual([]);
  });

  it('order-select: rides along with the selected TKI draft as its subject', () => {
    const s = snapshot({ pregnancy: 'pregnant', conditions: [cml], draftOrders: [draftOrder(IMATINIB, { id: 't' }), draftOrder(IMATINIB, { id: 'u', inFocus: false })] });
    expect(run(s, 'order-select').map((f) => f.subject)).toEqual(['MedicationRequest/t']);
    expect(run(snapshot({ pregnancy: 'pregnant', conditions: [cml], draftOrders: [draftOrder('lenalidomide')] }), 'order-select')).toEqual([]);
  });

  it('through buildSnapshot: pat-cml-pregnant-like data gives the card; a 31-day-old status does not', () => {
    const p = patient('female', bornForAge(31));
    expect(run(fhirSnapshot(p as never, [CML(), pregnancyStatus('ps', '2026-11-10', 'pregnant')] as never, []), 'patient-view', FHIR_NOW)).toHaveLength(1);
    expect(run(fhirSnapshot(p as never, [CML(), pregnancyStatus('ps', '2026-10-22', 'pregnant')] as never, []), 'patient-view', FHIR_NOW)).toEqual([]);
  });

  it('renders an info card in both languages', () => {
    const { nb, en } = renderBoth(run(snapshot({ pregnancy: 'pregnant', conditions: [cml] }), 'patient-view'), 'patient-view');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.summary).toBe('CML in pregnancy: interferon is the guideline alternative if treatment is required (evidence grade D, low)');
    expect(nb[0]?.summary).toMatch(/^KML under graviditet: interferon/);
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'ServiceRequest', intent: 'order' });
  });
});
