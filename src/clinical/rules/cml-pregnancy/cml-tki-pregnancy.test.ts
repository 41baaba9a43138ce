import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import type { Json } from '../../snapshot/fhir.js';
import { cmlTkiPregnancy } from './cml-tki-pregnancy.js';
import { codedByConcept, coded, condition, context, draftOrder, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import {
  ATC_OID,
  bornForAge,
  CML,
  draftRequest,
  FHIR_NOW,
  fhirSnapshot,
  hcg,
  patient,
  pregnancyStatus,
  TKI_CODES,
} from './fhir.test-support.js';

const IMATINIB = { display: 'Imatinib', concepts: ['drug:imatinib', 'class:tki-cml'] };

function run(s: PatientSnapshot, hook: Hook, now?: Date): Finding[] {
  return cmlTkiPregnancy.evaluate(s, context(hook, now));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('cml-tki-pregnancy', () => {
  it('declares its hooks and needs', () => {
    expect(cmlTkiPregnancy.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
    expect(cmlTkiPregnancy.needs).toEqual(['patient', 'observations', 'conditions', 'procedures', 'medicationRequests', 'medicationStatements']);
    expect(cmlTkiPregnancy.handlesUnavailable).toBe(true);
  });

  it('pregnant + TKI draft -> critical on both order hooks, with cancel and referral suggestions', () => {
    const s = snapshot({ pregnancy: 'pregnant', draftOrders: [draftOrder(IMATINIB, { id: 'd1' })] });
    for (const hook of ['order-select', 'order-sign'] as const) {
      const f = only(run(s, hook));
      expect(f).toMatchObject({
        outcome: 'fired',
        subject: 'MedicationRequest/d1',
        params: { drug: 'Imatinib' },
        criteriaMet: ['tki-ordered', 'pregnant'],
        suggestions: [{ template: 'cancel-draft', targetRef: 'MedicationRequest/d1' }, { template: 'refer-cml-specialist' }],
      });
      expect(f.indicator).toBeUndefined(); // the card file's critical
    }
  });

  it('names the pregnancy evidence in the values (status, condition, hCG)', () => {
    const s = snapshot({
      pregnancy: 'pregnant',
      codedObservations: codedByConcept(coded('obs:pregnancy-status', ['answer:pregnant'], '2025-05-25', 'ps'), coded('obs:hcg', ['answer:positive'], '2025-05-20', 'h')),
      conditions: [condition('cond:pregnancy', { id: 'preg', onset: '2025-04-01' })],
      draftOrders: [draftOrder(IMATINIB)],
    });
    const f = only(run(s, 'order-sign'));
    expect(f.values.map((v) => [v.concept, v.source?.id])).toEqual([
      ['class:tki-cml', 'draft-drug-imatinib'],
      ['status-pregnant', 'ps'],
      ['cond:pregnancy', 'preg'],
      ['hcg-positive', 'h'],
    ]);
  });

  it('unknown status -> not-evaluable: warning on order-sign, info on order-select, with an hCG order', () => {
    const s = snapshot({ pregnancy: 'unknown', draftOrders: [draftOrder(IMATINIB, { id: 'd2' })] });
    const sign = only(run(s, 'order-sign'));
    expect(sign).toMatchObject({
      outcome: 'not-evaluable',
      subject: 'MedicationRequest/d2',
      indicator: 'warning',
      missing: ['obs:pregnancy-status'],
      suggestions: [{ template: 'order-hcg', params: { concept: 'obs:hcg' } }],
    });
    expect(only(run(s, 'order-select')).indicator).toBe('info');
  });

  it('unknown status with unavailable domains names them as missing', () => {
    const s = snapshot({ pregnancy: 'unknown', unavailable: ['observations', 'patient'], draftOrders: [draftOrder(IMATINIB)] });
    expect(only(run(s, 'order-sign')).missing).toEqual(['obs:pregnancy-status', 'domain:patient', 'domain:observations']);
  });

  it('not pregnant or not applicable -> no card', () => {
    for (const pregnancy of ['not-pregnant', 'not-applicable'] as const) {
      expect(run(snapshot({ pregnancy, draftOrders: [draftOrder(IMATINIB)] }), 'order-sign')).toEqual([]);
    }
  });

  it('MD-scope: no TKI draft (an active TKI on record, or another drug) -> no card', () => {
    expect(run(snapshot({ pregnancy: 'pregnant', draftOrders: [draftOrder('lenalidomide')] }), 'order-sign')).toEqual([]);
    expect(run(snapshot({ pregnancy: 'pregnant' }), 'order-sign')).toEqual([]);
  });

  it('order-select looks only at the selected draft', () => {
    const s = snapshot({ pregnancy: 'pregnant', draftOrders: [draftOrder(IMATINIB, { inFocus: false })] });
    expect(run(s, 'order-select')).toEqual([]);
  });

  it('gives one finding per TKI draft', () => {
    const s = snapshot({
      pregnancy: 'pregnant',
      draftOrders: [draftOrder(IMATINIB, { id: 'a' }), draftOrder({ display: 'Dasatinib', concepts: ['drug:dasatinib', 'class:tki-cml'] }, { id: 'b' })],
    });
    expect(run(s, 'order-sign').map((f) => f.subject)).toEqual(['MedicationRequest/a', 'MedicationRequest/b']);
  });
});

describe('cml-tki-pregnancy through buildSnapshot (FHIR R4)', () => {
  const woman = patient('female', bornForAge(31));
  const draft = draftRequest('d-ima', TKI_CODES.imatinib as object);
  const sign = (records: object[], p: object | undefined = woman, drafts: object[] = [draft]): Finding[] =>
    run(fhirSnapshot(p as never, records as never, drafts as never), 'order-sign', FHIR_NOW);

  it('pregnancy status (82810-3) 30 days old counts; 31 days old is stale -> not-evaluable', () => {
    expect(only(sign([CML(), pregnancyStatus('ps', '2026-10-23', 'pregnant')])).outcome).toBe('fired');
    expect(only(sign([CML(), pregnancyStatus('ps', '2026-10-22', 'pregnant')])).outcome).toBe('not-evaluable');
  });

  it('a positive hCG 30 days old counts; 31 days old does not', () => {
    expect(only(sign([hcg('h', '2026-10-23', true)])).outcome).toBe('fired');
    expect(only(sign([hcg('h', '2026-10-22', true)])).outcome).toBe('not-evaluable');
  });

  it('a negative status or hCG within 30 days -> no card', () => {
    expect(sign([pregnancyStatus('ps', '2026-11-10', 'not-pregnant')])).toEqual([]);
    expect(sign([hcg('h', '2026-11-10', false)])).toEqual([]);
  });

  it('accepting the hCG suggestion changes the outcome once the result is back (negative -> no card, positive -> critical)', () => {
    const before = only(sign([CML()]));
    expect(before.outcome).toBe('not-evaluable');
    expect(sign([CML(), hcg('h-new', '2026-11-22', false)])).toEqual([]);
    expect(only(sign([CML(), hcg('h-new', '2026-11-22', true)])).outcome).toBe('fired');
  });

  it('accepting the cancel suggestion (draft removed) leaves no card', () => {
    expect(sign([pregnancyStatus('ps', '2026-11-10', 'pregnant')], woman, [])).toEqual([]);
  });

  it('childbearing age 12–55: ages 12 and 55 without status are not-evaluable; 11 and 56 get no card', () => {
    for (const age of [12, 55]) expect(only(sign([], patient('female', bornForAge(age)))).outcome).toBe('not-evaluable');
    for (const age of [11, 56]) expect(sign([], patient('female', bornForAge(age)))).toEqual([]);
  });

  it('a man gets no card; a pregnancy on record still fires regardless of age', () => {
    expect(sign([], patient('male', bornForAge(31)))).toEqual([]);
    expect(only(sign([pregnancyStatus('ps', '2026-11-10', 'pregnant')], patient('female', bornForAge(56)))).outcome).toBe('fired');
  });

  it('an active pregnancy Condition (SNOMED 77386006) fires without any window', () => {
    expect(only(sign([{ ...(CML() as object) }, { resourceType: 'Condition', id: 'c-preg', subject: { reference: 'Patient/p-cml' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '77386006' }] } }])).outcome).toBe('fired');
  });

  it('matches every TKI by ATC, ATC OID, RxNorm only, and a contained Medication', () => {
    const pregnant = [pregnancyStatus('ps', '2026-11-10', 'pregnant')];
    for (const [name, codes] of Object.entries(TKI_CODES)) {
      const variants = [
        draftRequest(`${name}-atc`, { atc: codes.atc }),
        draftRequest(`${name}-oid`, { atc: codes.atc, atcSystem: ATC_OID }),
        draftRequest(`${name}-contained`, { atc: codes.atc }, { contained: true }),
        ...(codes.rxnorm ? [draftRequest(`${name}-rx`, { rxnorm: codes.rxnorm })] : []),
      ];
      for (const v of variants) {
        const f = only(sign(pregnant, woman, [v]));
        expect({ name, subject: f.subject, outcome: f.outcome }).toEqual({ name, subject: `MedicationRequest/${String((v as { id: string }).id)}`, outcome: 'fired' });
      }
    }
  });

  it('order-select: only the selected draft is checked', () => {
    const pregnant = [pregnancyStatus('ps', '2026-11-10', 'pregnant')];
    const other = draftRequest('d-other', TKI_CODES.dasatinib as object);
    const s = fhirSnapshot(woman, pregnant, [draft, other] as never, { selections: ['MedicationRequest/d-other'] });
    expect(run(s, 'order-select', FHIR_NOW).map((f) => f.subject)).toEqual(['MedicationRequest/d-other']);
    // order-sign sends no selections: every draft is in focus.
    const signed = fhirSnapshot(woman, pregnant, [draft, other] as never);
    expect(run(signed, 'order-sign', FHIR_NOW).map((f) => f.subject)).toEqual(['MedicationRequest/d-ima', 'MedicationRequest/d-other']);
  });
});

describe('cml-tki-pregnancy cards', () => {
  it('render a critical card with override reasons, a delete and a referral, in both languages', () => {
    const s = snapshot({ pregnancy: 'pregnant', draftOrders: [draftOrder(IMATINIB, { id: 'd1' })] });
    const { nb, en } = renderBoth(run(s, 'order-sign'), 'order-sign');
    expect(en[0]?.indicator).toBe('critical');
    expect(en[0]?.summary).toMatch(/^Pregnant: Imatinib \(TKI\) is teratogenic/);
    expect(nb[0]?.summary).toMatch(/^Gravid: Imatinib \(TKI\)/);
    expect(en[0]?.source.topic?.code).toBe('cml-tki-pregnancy');
    expect(en[0]?.overrideReasons?.map((r) => r.code)).toContain('clinical-judgement');
    const actions = (en[0]?.suggestions ?? []).map((x) => x.actions?.[0]);
    expect(actions[0]).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/d1' });
    expect(actions[1]?.resource).toMatchObject({ resourceType: 'ServiceRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-1' } });
  });

  it('render the not-evaluable card with a valid hCG ServiceRequest (LOINC 2106-3)', () => {
    const s = snapshot({ pregnancy: 'unknown', draftOrders: [draftOrder(IMATINIB)] });
    const { nb, en } = renderBoth(run(s, 'order-sign'), 'order-sign');
    expect(en[0]?.source.topic?.code).toBe('cml-tki-pregnancy.not-evaluable');
    expect(en[0]?.summary).toBe('Imatinib: pregnancy status unknown — TKIs are teratogenic; confirm before prescribing');
    expect(nb[0]?.summary).toMatch(/graviditetsstatus ukjent/);
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({
      resourceType: 'ServiceRequest',
      status: 'draft',
      intent: 'order',
      code: { coding: [{ system: 'http://loinc.org', code: '2106-3' }] },
    });
  });
});

describe('cml-tki-pregnancy on patient-view: an active TKI in a pregnant woman is the same critical card', () => {
  const active = (status: string): Json => ({ ...draftRequest('tki-1', TKI_CODES.imatinib as NonNullable<(typeof TKI_CODES)['imatinib']>), status });
  const records = (answer: 'pregnant' | 'not-pregnant', status = 'active'): Json[] => [CML(), pregnancyStatus('ps', '2026-11-20', answer), active(status)];

  it('declares patient-view and reads the medication lists', () => {
    expect(cmlTkiPregnancy.hooks).toContain('patient-view');
    expect(cmlTkiPregnancy.needs).toEqual(expect.arrayContaining(['medicationRequests', 'medicationStatements']));
  });

  it('pregnant + active imatinib -> critical card naming the drug; stopped or not pregnant -> none', () => {
    const at = new Date('2026-11-22T10:00:00Z');
    const f = only(run(fhirSnapshot(patient('female', bornForAge(30)), records('pregnant'), [], { now: at }), 'patient-view', at));
    expect(f).toMatchObject({ outcome: 'fired', subject: 'patient', criteriaMet: ['tki-active', 'pregnant'], suggestions: [{ template: 'refer-cml-specialist' }] });
    expect(f.indicator).toBeUndefined();
    expect(renderBoth([f], 'patient-view').en[0]?.indicator).toBe('critical');
    expect(run(fhirSnapshot(patient('female', bornForAge(30)), records('pregnant', 'stopped'), [], { now: at }), 'patient-view', at)).toEqual([]);
    expect(run(fhirSnapshot(patient('female', bornForAge(30)), records('not-pregnant'), [], { now: at }), 'patient-view', at)).toEqual([]);
  });

  it('pregnancy from a quantitative serum hCG above 25 IU/L is named in the card', () => {
    const at = new Date('2026-11-22T10:00:00Z');
    const quantitative: Json = {
      resourceType: 'Observation',
      id: 'qhcg',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '21198-7' }] },
      effectiveDateTime: '2026-11-20',
      valueQuantity: { value: 800, unit: 'IU/L', system: 'http://unitsofmeasure.org', code: '[IU]/L' },
    };
    const f = only(run(fhirSnapshot(patient('female', bornForAge(30)), [CML(), quantitative, active('active')], [], { now: at }), 'patient-view', at));
    expect(f.values.map((v) => v.concept)).toContain('lab:hcg-quantitative');
  });
});
