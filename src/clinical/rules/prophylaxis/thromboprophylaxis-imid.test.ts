import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { thromboprophylaxisImid } from './thromboprophylaxis-imid.js';
import { condition, context, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, fhirSnapshot, medicationRequest } from './fhir.test-support.js';

const POMALIDOMIDE = { display: 'Pomalidomid', concepts: ['drug:pomalidomide', 'class:imid'] };
const THALIDOMIDE = { display: 'Talidomid', concepts: ['drug:thalidomide', 'class:imid'] };
const ASA = { display: 'Acetylsalisylsyre', concepts: ['drug:acetylsalicylic-acid', 'class:antithrombotic'] };
const APIXABAN = { display: 'Apiksaban', concepts: ['drug:apixaban', 'class:antithrombotic'] };
const ENOXAPARIN = { display: 'Enoksaparin', concepts: ['drug:enoxaparin', 'class:antithrombotic'] };
const NOW = new Date('2026-11-22T10:00:00Z');

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return thromboprophylaxisImid.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('thromboprophylaxis-imid', () => {
  it('declares order hooks only and handles unavailable data itself', () => {
    expect(thromboprophylaxisImid.hooks).toEqual(['order-select', 'order-sign']);
    expect(thromboprophylaxisImid.handlesUnavailable).toBe(true);
  });

  it('fires on a lenalidomide draft without antithrombotic, naming the drug, with the ASA suggestion first', () => {
    const f = only(run(snapshot({ draftOrders: [draftOrder('lenalidomide', { id: 'd1' })] })));
    expect(f).toMatchObject({
      outcome: 'fired',
      subject: 'MedicationRequest/d1',
      variant: 'missing',
      indicator: 'warning',
      params: { drug: 'Lenalidomid' },
      criteriaMet: ['imid-order', 'no-antithrombotic'],
      suggestions: [{ template: 'create-asa' }, { template: 'create-enoxaparin' }],
    });
  });

  it('fires on pomalidomide; info on order-select', () => {
    const s = snapshot({ draftOrders: [draftOrder(POMALIDOMIDE)] });
    expect(only(run(s, 'order-select')).indicator).toBe('info');
    expect(only(run(s)).params.drug).toBe('Pomalidomid');
  });

  it('out of scope: thalidomide, a lenalidomide on record only, or an unselected draft', () => {
    expect(run(snapshot({ draftOrders: [draftOrder(THALIDOMIDE)] }))).toEqual([]);
    expect(run(snapshot({ medications: [medication('lenalidomide')], draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder('lenalidomide', { inFocus: false })] }), 'order-select')).toEqual([]);
  });

  it('no card with ASA, a DOAC or LMWH active, or any antithrombotic drafted in the session', () => {
    for (const drug of [ASA, APIXABAN, ENOXAPARIN]) {
      expect(run(snapshot({ medications: [medication(drug)], draftOrders: [draftOrder('lenalidomide')] }))).toEqual([]);
      expect(run(snapshot({ draftOrders: [draftOrder('lenalidomide'), { ...draftOrder(drug), inFocus: false }] }), 'order-select')).toEqual([]);
    }
  });

  it('an antithrombotic that is stopped or on hold does not count', () => {
    for (const status of ['stopped', 'completed', 'on-hold']) {
      expect(only(run(snapshot({ medications: [medication(ASA, { status })], draftOrders: [draftOrder('lenalidomide')] }))).variant).toBe('missing');
    }
  });

  it('high thrombosis risk with ASA only -> info recommending anticoagulation', () => {
    const s = snapshot({
      conditions: [condition('cond:high-thrombosis-risk')],
      medications: [medication(ASA, { id: 'asa1' })],
      draftOrders: [draftOrder('lenalidomide')],
    });
    const f = only(run(s));
    expect(f).toMatchObject({ variant: 'asa-high-risk', indicator: 'info', criteriaMet: ['imid-order', 'high-thrombosis-risk', 'asa-only'] });
    expect(f.suggestions).toEqual([{ template: 'create-enoxaparin' }]);
  });

  it('high risk with an anticoagulant (alone or with ASA) -> no card; a resolved risk flag does not count', () => {
    const risk = condition('cond:high-thrombosis-risk');
    expect(run(snapshot({ conditions: [risk], medications: [medication(ASA), medication(APIXABAN)], draftOrders: [draftOrder('lenalidomide')] }))).toEqual([]);
    expect(run(snapshot({ conditions: [risk], draftOrders: [draftOrder('lenalidomide'), draftOrder(ENOXAPARIN)] }))).toEqual([]);
    const resolved = condition('cond:high-thrombosis-risk', { clinicalStatus: 'resolved' });
    expect(run(snapshot({ conditions: [resolved], medications: [medication(ASA)], draftOrders: [draftOrder('lenalidomide')] }))).toEqual([]);
  });

  it('high risk with nothing at all -> missing card offering enoxaparin first', () => {
    const f = only(run(snapshot({ conditions: [condition('cond:high-thrombosis-risk')], draftOrders: [draftOrder('lenalidomide')] })));
    expect(f.suggestions?.[0]).toEqual({ template: 'create-enoxaparin' });
    expect(f.criteriaMet).toContain('high-thrombosis-risk');
  });

  it('medication list unavailable -> not-evaluable warning (MD-warn), unless an antithrombotic is drafted', () => {
    const f = only(run(snapshot({ draftOrders: [draftOrder('lenalidomide')], unavailable: ['medicationStatements'] })));
    expect(f).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['domain:medicationStatements'] });
    expect(run(snapshot({ draftOrders: [draftOrder('lenalidomide'), draftOrder(ASA)], unavailable: ['medicationRequests'] }))).toEqual([]);
  });

  describe('through the snapshot builder', () => {
    it.each(CODE_VARIANTS)('lenalidomide coded as %s fires, and ASA coded the same way settles it', (variant) => {
      const len = medicationRequest('len', CODES.lenalidomide, variant);
      expect(only(run(fhirSnapshot(NOW, { drafts: [len] }))).subject).toBe('MedicationRequest/len');
      const asa = medicationRequest('asa', CODES.asa, variant, { status: 'active' });
      expect(run(fhirSnapshot(NOW, { drafts: [len], resources: { medicationRequests: [asa] } }))).toEqual([]);
    });

    it.each(['create-asa', 'create-enoxaparin'])('adding the %s suggestion as a draft makes the card disappear', (template) => {
      const len = medicationRequest('len', CODES.pomalidomide, 'atc-who');
      const findings = run(fhirSnapshot(NOW, { drafts: [len] }));
      const cards = renderBoth(findings, 'order-sign');
      const index = findings[0]?.suggestions?.findIndex((s) => s.template === template) ?? -1;
      const resource = cards.en[0]?.suggestions?.[index]?.actions?.[0]?.resource as Record<string, unknown>;
      expect(resource).toMatchObject({ resourceType: 'MedicationRequest', status: 'draft', intent: 'order' });
      expect(run(fhirSnapshot(NOW, { drafts: [len, { ...resource, id: 'suggested' }] }))).toEqual([]);
    });
  });

  it('renders every finding kind in both languages', () => {
    const missing = run(snapshot({ draftOrders: [draftOrder('lenalidomide')] }));
    const high = run(snapshot({ conditions: [condition('cond:high-thrombosis-risk')], medications: [medication(ASA)], draftOrders: [draftOrder(POMALIDOMIDE)] }));
    const ne = run(snapshot({ draftOrders: [draftOrder('lenalidomide')], unavailable: ['medicationRequests'] }));
    const missingCards = renderBoth(missing, 'order-sign');
    expect(missingCards.nb[0]?.summary).toBe('Lenalidomid: mangler tromboseprofylakse (acetylsalisylsyre 75 mg x 1; antikoagulasjon ved høy tromboserisiko)');
    const asa = missingCards.en[0]?.suggestions?.[0]?.actions?.[0]?.resource as unknown as { dosageInstruction: { timing: unknown }[] };
    expect(asa.dosageInstruction[0]?.timing).toEqual({ repeat: { frequency: 1, period: 1, periodUnit: 'd' } });
    expect(renderBoth(high, 'order-sign').en[0]?.summary).toMatch(/^Pomalidomid with high thrombosis risk: anticoagulation recommended/);
    expect(renderBoth(ne, 'order-sign').en[0]?.summary).toMatch(/medication list unavailable/);
  });
});

describe('thromboprophylaxis-imid: every LMWH, VKA, DOAC and ASA counts («enoxaparin 40 mg eller ekvivalent»)', () => {
  const ATC = 'http://www.whocc.no/atc';
  const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
  const onRecord = (medicationCodeableConcept: Record<string, unknown>): Record<string, unknown> => ({
    resourceType: 'MedicationRequest',
    id: 'ac',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt-1' },
    medicationCodeableConcept,
  });
  const covered = (cc: Record<string, unknown>): Finding[] =>
    run(fhirSnapshot(NOW, { drafts: [medicationRequest('len', CODES.lenalidomide, 'atc-who')], resources: { medicationRequests: [onRecord(cc)] } }));

  it.each([
    ['dalteparin', 'B01AB04'],
    ['tinzaparin', 'B01AB10'],
    ['enoxaparin', 'B01AB05'],
    ['heparin (LMWH/heparin group)', 'B01AB01'],
    ['warfarin', 'B01AA03'],
    ['acenocoumarol (any VKA)', 'B01AA07'],
    ['dabigatran', 'B01AE07'],
    ['rivaroxaban', 'B01AF01'],
    ['apixaban', 'B01AF02'],
    ['edoxaban', 'B01AF03'],
    ['any direct factor Xa inhibitor', 'B01AF04'],
    ['ASA', 'B01AC06'],
  ])('%s by ATC (%s) counts: no card', (_name, code) => {
    expect(covered({ coding: [{ system: ATC, code }] })).toEqual([]);
    expect(covered({ coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7180', code }] })).toEqual([]);
  });

  it.each([
    ['enoxaparin', '67108'],
    ['warfarin', '11289'],
    ['apixaban', '1364430'],
    ['rivaroxaban', '1114195'],
    ['edoxaban', '1599538'],
    ['dabigatran', '1546356'],
    ['dabigatran etexilate', '1037042'],
    ['aspirin', '1191'],
  ])('%s by RxNorm ingredient (%s) counts: no card', (_name, code) => {
    expect(covered({ coding: [{ system: RXNORM, code }] })).toEqual([]);
  });

  it.each(['Fragmin 5000 IE', 'Dalteparin', 'Innohep 4500 IE', 'tinzaparin', 'Klexane 40 mg', 'Marevan', 'Albyl-E 75 mg', 'Eliquis'])('%s by name only counts: no card', (text) => {
    expect(covered({ text })).toEqual([]);
  });

  it('a drug outside the antithrombotic classes (clopidogrel B01AC04) still gets the card', () => {
    expect(only(covered({ coding: [{ system: ATC, code: 'B01AC04' }] })).variant).toBe('missing');
  });
});
