import type { CodedObservation, Finding, Hook, PatientSnapshot } from '../../types.js';
import { cmvHbvScreening } from './cmv-hbv-screening.js';
import { coded, codedByConcept, context, daysFrom, draftOrder, draftProcedure, lab, labsByConcept, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, PID, fhirSnapshot, medicationRequest } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const TECLISTAMAB = { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bcma-directed', 'class:bispecific'] };
const CILTACEL = { display: 'Carvykti', concepts: ['drug:ciltacabtagene-autoleucel', 'class:bcma-directed', 'class:car-t'] };
const ENTECAVIR = { display: 'Entekavir', concepts: ['drug:entecavir', 'class:hbv-antiviral'] };
const DEX = { display: 'Deksametason', concepts: ['drug:dexamethasone'] };
const POS = 'answer:positive';
const NEG = 'answer:negative';

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return cmvHbvScreening.evaluate(s, context(hook, NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
const serology = (hbsag: string, antiHbc: string, extra: CodedObservation[] = []) => codedByConcept(coded('obs:hbsag', [hbsag], '2026-01-10'), coded('obs:anti-hbc', [antiHbc], '2026-01-10'), ...extra);
const cmvNeg = (daysAgo = 2) => coded('obs:cmv-dna', [NEG], daysFrom(NOW, -daysAgo));
const clean = () => ({ codedObservations: serology(NEG, NEG, [cmvNeg()]) });
const tecDraft = () => draftOrder(TECLISTAMAB, { id: 'tec' });

describe('cmv-hbv-screening', () => {
  it('runs on patient-view, order-select and order-sign', () => {
    expect(cmvHbvScreening.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
  });

  it('no card when CMV DNA and HBV serology are negative; out of scope without a CAR-T/bispecific start', () => {
    expect(run(snapshot({ ...clean(), draftOrders: [tecDraft()] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    // A later bispecific dose is not the start.
    expect(run(snapshot({ administrations: [medication(TECLISTAMAB, { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -7) })], draftOrders: [tecDraft()] }))).toEqual([]);
  });

  it.each([
    [7, undefined],
    [8, 'cmv-dna-missing'],
  ])('CMV DNA %i days before the start -> %p', (days, variant) => {
    const findings = run(snapshot({ codedObservations: serology(NEG, NEG, [cmvNeg(days)]), draftOrders: [tecDraft()] }));
    if (variant === undefined) expect(findings).toEqual([]);
    else expect(only(findings)).toMatchObject({ outcome: 'fired', variant, subject: 'MedicationRequest/tec', indicator: 'warning', params: { drug: 'Teklistamab' }, suggestions: [{ template: 'order-cmv-dna' }] });
  });

  it('CMV DNA: a viral load above 0 is detected (monitor); 0 is negative; an ordered CMV DNA counts', () => {
    const load = (v: number) => ({ codedObservations: serology(NEG, NEG), labs: labsByConcept(lab('obs:cmv-dna', v, '[IU]/mL', daysFrom(NOW, -1))), draftOrders: [tecDraft()] });
    expect(only(run(snapshot(load(150)))).variant).toBe('cmv-dna-positive');
    expect(run(snapshot(load(0)))).toEqual([]);
    expect(run(snapshot({ codedObservations: serology(NEG, NEG), draftOrders: [tecDraft(), { ...draftProcedure('obs:cmv-dna'), inFocus: false }] }))).toEqual([]);
  });

  it('HBsAg positive -> antiviral prophylaxis; settled by entecavir active or drafted', () => {
    const s = (more: Partial<PatientSnapshot> = {}) => snapshot({ codedObservations: serology(POS, POS, [cmvNeg()]), draftOrders: [tecDraft()], ...more });
    expect(only(run(s()))).toMatchObject({ variant: 'hbsag-positive', criteriaMet: ['bispecific-start', 'hbsag-positive'], suggestions: [{ template: 'create-entecavir' }] });
    expect(run(s({ medications: [medication(ENTECAVIR)] }))).toEqual([]);
    expect(run(s({ draftOrders: [tecDraft(), { ...draftOrder(ENTECAVIR), inFocus: false }] }))).toEqual([]);
  });

  it('anti-HBc positive -> prophylaxis or HBV DNA; HBV DNA detected -> antiviral treatment; HBV DNA negative = monitored', () => {
    const s = (dna?: string) => snapshot({ codedObservations: serology(NEG, POS, [cmvNeg(), ...(dna ? [coded('obs:hbv-dna', [dna], '2026-11-01')] : [])]), draftOrders: [tecDraft()] });
    expect(only(run(s()))).toMatchObject({ variant: 'anti-hbc-positive', suggestions: [{ template: 'create-entecavir' }, { template: 'order-hbv-dna' }] });
    expect(only(run(s(POS))).variant).toBe('hbv-dna-positive');
    expect(run(s(NEG))).toEqual([]);
  });

  it('HBV serology missing -> not-evaluable warning naming it, with the orders; ordering them settles it', () => {
    const f = only(run(snapshot({ codedObservations: codedByConcept(coded('obs:hbsag', [NEG], '2026-01-10')), draftOrders: [draftOrder(CILTACEL, { id: 'cart' })] })));
    expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'hbv-unknown', missing: ['obs:anti-hbc'], criteriaMet: ['car-t-start', 'cmv-dna-missing'], suggestions: [{ template: 'order-cmv-dna' }, { template: 'order-anti-hbc' }] });
    const ordered = [draftOrder(CILTACEL), ...['obs:anti-hbc', 'obs:cmv-dna'].map((c) => ({ ...draftProcedure(c), inFocus: false }))];
    expect(run(snapshot({ codedObservations: codedByConcept(coded('obs:hbsag', [NEG], '2026-01-10')), draftOrders: ordered }))).toEqual([]);
    expect(only(run(snapshot({ draftOrders: [draftProcedure('proc:car-t-infusion')] }))).missing).toEqual(['obs:hbsag', 'obs:anti-hbc']);
  });

  it('order-select gives the same card as info', () => {
    expect(only(run(snapshot({ draftOrders: [tecDraft()] }), 'order-select')).indicator).toBe('info');
  });

  describe('patient-view: steroid use > 3 days during CAR-T/bispecific -> CMV DNA', () => {
    const hours = (h: number) => new Date(NOW.getTime() - h * 3600_000);
    it.each([
      [71, 0],
      [72, 0],
      [73, 1],
    ])('dexamethasone started %i h ago -> %i cards', (h, n) => {
      const findings = run(snapshot({ medications: [medication(TECLISTAMAB), medication(DEX, { date: hours(h) })] }), 'patient-view');
      expect(findings).toHaveLength(n);
      if (n) expect(only(findings)).toMatchObject({ variant: 'steroids-cmv', subject: 'patient', params: { days: 3 }, suggestions: [{ template: 'order-cmv-dna' }] });
    });
    it('a CMV DNA since the steroid start or a CMV order settles it; no CAR-T/bispecific is out of scope', () => {
      const dex = medication(DEX, { date: daysFrom(NOW, -10) });
      const cart = { administrations: [medication(CILTACEL, { source: 'MedicationAdministration', occurredAt: '2026-06-01' })] };
      expect(run(snapshot({ ...cart, medications: [dex] }), 'patient-view')).toHaveLength(1);
      expect(run(snapshot({ ...cart, medications: [dex], codedObservations: codedByConcept(cmvNeg(3)) }), 'patient-view')).toEqual([]);
      expect(run(snapshot({ ...cart, medications: [dex], codedObservations: codedByConcept(cmvNeg(11)) }), 'patient-view')).toHaveLength(1);
      expect(run(snapshot({ ...cart, medications: [dex], procedures: [procedure('obs:cmv-dna', { source: 'ServiceRequest' })] }), 'patient-view')).toEqual([]);
      expect(run(snapshot({ medications: [dex] }), 'patient-view')).toEqual([]);
    });
  });

  describe('through the snapshot builder', () => {
    const obs = (id: string, loinc: string, more: Record<string, unknown>) => ({
      resourceType: 'Observation', id, status: 'final', subject: { reference: `Patient/${PID}` }, effectiveDateTime: '2026-11-20T08:00:00Z', code: { coding: [{ system: 'http://loinc.org', code: loinc }] }, ...more,
    });
    const answer = (code: string) => ({ valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code }] } });
    const observations = [
      obs('hbs', '5196-1', answer('LA6577-6')),
      obs('hbc', '16933-4', answer('LA6576-8')),
      obs('cmv', '72493-0', { valueQuantity: { value: 0, unit: 'IU/mL', system: 'http://unitsofmeasure.org', code: '[IU]/mL' } }),
    ];
    it.each(CODE_VARIANTS)('a teclistamab draft coded as %s fires on anti-HBc+; the suggested entecavir settles it', (variant) => {
      const trigger = medicationRequest('tec', CODES.teclistamab, variant);
      const findings = run(fhirSnapshot(NOW, { drafts: [trigger], resources: { observations } }));
      expect(only(findings)).toMatchObject({ variant: 'anti-hbc-positive', subject: 'MedicationRequest/tec' });
      const actions = (renderBoth(findings, 'order-sign').en[0]?.suggestions ?? []).map((s) => s.actions?.[0]?.resource as Record<string, unknown>);
      expect(actions[0]).toMatchObject({ resourceType: 'MedicationRequest', medicationCodeableConcept: { coding: [{ code: 'J05AF10' }, { code: '306266' }] } });
      expect(actions[1]).toMatchObject({ resourceType: 'ServiceRequest', code: { coding: [{ code: '42595-9' }] } });
      expect(run(fhirSnapshot(NOW, { drafts: [trigger, { ...actions[0], id: 'ent' }], resources: { observations } }))).toEqual([]);
      expect(run(fhirSnapshot(NOW, { drafts: [trigger, { ...actions[1], id: 'dna' }], resources: { observations } }))).toEqual([]);
    });
    it('a CMV viral load in IU/mL above 0 is detected', () => {
      const cmv = obs('cmv', '100675-8', { valueQuantity: { value: 350, unit: 'IU/mL', system: 'http://unitsofmeasure.org', code: '[IU]/mL' } });
      const s = fhirSnapshot(NOW, { drafts: [medicationRequest('tec', CODES.teclistamab, 'atc-oid')], resources: { observations: [observations[0], obs('hbc', '13952-7', answer('LA6577-6')), cmv] } });
      expect(only(run(s)).variant).toBe('cmv-dna-positive');
    });
  });

  it('renders every finding kind in both languages', () => {
    const cases: [PatientSnapshot, Hook, string][] = [
      [snapshot({ codedObservations: serology(POS, POS, [cmvNeg()]), draftOrders: [tecDraft()] }), 'order-sign', 'Before Teklistamab: HBsAg positive, give antiviral prophylaxis (with an infectious-disease specialist)'],
      [snapshot({ codedObservations: serology(NEG, POS, [cmvNeg(), coded('obs:hbv-dna', [POS], '2026-11-01')]), draftOrders: [tecDraft()] }), 'order-sign', 'Before Teklistamab: anti-HBc positive with detectable HBV DNA, give antiviral treatment'],
      [snapshot({ codedObservations: serology(NEG, POS, [cmvNeg()]), draftOrders: [tecDraft()] }), 'order-sign', 'Before Teklistamab: anti-HBc positive, give HBV prophylaxis or monitor HBV DNA'],
      [snapshot({ codedObservations: serology(NEG, NEG), draftOrders: [tecDraft()] }), 'order-select', 'Before Teklistamab: CMV DNA missing (last 7 days)'],
      [snapshot({ codedObservations: serology(NEG, NEG, [coded('obs:cmv-dna', [POS], daysFrom(NOW, -1))]), draftOrders: [tecDraft()] }), 'order-sign', 'Before Teklistamab: CMV DNA detected, monitor CMV DNA'],
      [snapshot({ draftOrders: [draftOrder(CILTACEL)] }), 'order-sign', 'Before Carvykti: HBV status unknown (missing HBsAg, anti-HBc)'],
      [snapshot({ medications: [medication(TECLISTAMAB), medication(DEX, { date: daysFrom(NOW, -5) })] }), 'patient-view', 'Deksametason for 5 days (>3) with CAR-T/bispecific: take CMV DNA'],
    ];
    for (const [s, hook, summary] of cases) {
      const cards = renderBoth(run(s, hook), hook);
      expect(cards.en[0]?.summary).toBe(summary);
      expect(cards.nb[0]?.summary).toMatch(/Før|dager/);
    }
  });
});
