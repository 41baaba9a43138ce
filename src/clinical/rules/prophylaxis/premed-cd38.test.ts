import type { DraftOrder, Finding, Hook, PatientSnapshot } from '../../types.js';
import { premedCd38 } from './premed-cd38.js';
import { condition, context, daysFrom, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, PID, fhirSnapshot, medicationRequest } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const DARA = { display: 'Daratumumab', concepts: ['drug:daratumumab', 'class:cd38-antibody'] };
const ISA = { display: 'Isatuksimab', concepts: ['drug:isatuximab', 'class:cd38-antibody'] };
const DEX = { display: 'Deksametason', concepts: ['drug:dexamethasone'] };
const CET = { display: 'Cetirizin', concepts: ['drug:cetirizine'] };
const PARA = { display: 'Paracetamol', concepts: ['drug:paracetamol'] };
const MONT = { display: 'Montelukast', concepts: ['drug:montelukast'] };

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return premedCd38.evaluate(s, context(hook, NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
const given = (drug: typeof DARA, n: number) => Array.from({ length: n }, (_, i) => medication(drug, { source: 'MedicationAdministration', id: `adm-${i}`, occurredAt: daysFrom(NOW, -7 * (i + 1)) }));
const premeds = (...drugs: (typeof DEX)[]): DraftOrder[] => drugs.map((d) => ({ ...draftOrder(d), inFocus: false }));

describe('premed-cd38', () => {
  it('runs on order-select and order-sign', () => {
    expect(premedCd38.hooks).toEqual(['order-select', 'order-sign']);
  });

  it('fires on a first daratumumab draft, naming it, with one suggestion per missing premedication', () => {
    const f = only(run(snapshot({ draftOrders: [draftOrder(DARA, { id: 'dara' })] })));
    expect(f).toMatchObject({
      outcome: 'fired', variant: 'first-doses', subject: 'MedicationRequest/dara', indicator: 'warning', params: { drug: 'Daratumumab', dose: 1 },
      criteriaNotMet: ['dexamethasone', 'cetirizine', 'paracetamol'],
      suggestions: [{ template: 'create-dexamethasone' }, { template: 'create-cetirizine' }, { template: 'create-paracetamol' }],
    });
    expect(only(run(snapshot({ draftOrders: [draftOrder(DARA)] }), 'order-select')).indicator).toBe('info');
  });

  it('no card when the premedication is drafted in the same session or active; a partial set names what is missing', () => {
    expect(run(snapshot({ draftOrders: [draftOrder(DARA), ...premeds(DEX, CET, PARA)] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder(DARA)], medications: [medication(DEX), medication(CET), medication(PARA)] }))).toEqual([]);
    const partial = only(run(snapshot({ draftOrders: [draftOrder(DARA), ...premeds(DEX, CET)] })));
    expect(partial).toMatchObject({ criteriaNotMet: ['paracetamol'], suggestions: [{ template: 'create-paracetamol' }] });
    // Cetirizine at another dose than «cetirizin 10 mg» does not count.
    const wrongDose = [{ ...draftOrder(CET, { dose: { value: 5, unit: 'mg' } }), inFocus: false }];
    expect(only(run(snapshot({ draftOrders: [draftOrder(DARA), ...premeds(DEX, PARA), ...wrongDose] }))).criteriaNotMet).toEqual(['cetirizine']);
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
  });

  it.each([
    [0, 1, 'first-doses'],
    [1, 2, 'first-doses'],
    [2, 3, undefined],
  ])('daratumumab with %i earlier doses -> dose %i: %p', (n, dose, variant) => {
    const findings = run(snapshot({ administrations: given(DARA, n), draftOrders: [draftOrder(DARA)] }));
    if (variant === undefined) expect(findings).toEqual([]);
    else expect(only(findings)).toMatchObject({ variant, params: { dose } });
  });

  it('isatuximab from dose 3 needs dexamethasone unless it was stopped as part of the treatment', () => {
    expect(only(run(snapshot({ administrations: given(ISA, 2), draftOrders: [draftOrder(ISA)] })))).toMatchObject({
      variant: 'dexamethasone', params: { dose: 3 }, criteriaNotMet: ['dexamethasone'], suggestions: [{ template: 'create-dexamethasone' }],
    });
    expect(run(snapshot({ administrations: given(ISA, 2), draftOrders: [draftOrder(ISA)], medications: [medication(DEX, { status: 'completed' })] }))).toEqual([]);
    expect(run(snapshot({ administrations: given(ISA, 2), draftOrders: [draftOrder(ISA), ...premeds(DEX)] }))).toEqual([]);
    expect(only(run(snapshot({ administrations: given(ISA, 1), draftOrders: [draftOrder(ISA)] }))).variant).toBe('first-doses');
  });

  it('COPD or asthma adds montelukast; a resolved asthma does not', () => {
    const f = only(run(snapshot({ conditions: [condition('cond:asthma')], draftOrders: [draftOrder(DARA), ...premeds(DEX, CET, PARA)] })));
    expect(f).toMatchObject({ variant: 'first-doses-montelukast', criteriaNotMet: ['montelukast'], suggestions: [{ template: 'create-montelukast' }] });
    expect(run(snapshot({ conditions: [condition('cond:copd')], draftOrders: [draftOrder(DARA), ...premeds(DEX, CET, PARA, MONT)] }))).toEqual([]);
    expect(run(snapshot({ conditions: [condition('cond:asthma', { clinicalStatus: 'resolved' })], draftOrders: [draftOrder(DARA), ...premeds(DEX, CET, PARA)] }))).toEqual([]);
    // Montelukast only «på de første dosene».
    expect(run(snapshot({ conditions: [condition('cond:copd')], administrations: given(DARA, 2), draftOrders: [draftOrder(DARA)] }))).toEqual([]);
  });

  it('administrations unavailable -> dose taken as 1 and said so; medication list unavailable -> not-evaluable warning', () => {
    expect(only(run(snapshot({ administrations: given(DARA, 5), draftOrders: [draftOrder(DARA)], unavailable: ['medicationAdministrations'] })))).toMatchObject({
      outcome: 'fired', variant: 'dose-unknown', params: { dose: 1 }, missing: ['domain:medicationAdministrations'],
    });
    expect(only(run(snapshot({ draftOrders: [draftOrder(DARA)], unavailable: ['medicationRequests'] })))).toMatchObject({
      outcome: 'not-evaluable', variant: 'medications-unavailable', missing: ['domain:medicationRequests'],
    });
    expect(run(snapshot({ draftOrders: [draftOrder(DARA), ...premeds(DEX, CET, PARA)], unavailable: ['medicationRequests'] }))).toEqual([]);
  });

  describe('through the snapshot builder', () => {
    const copd = {
      resourceType: 'Condition', id: 'copd', subject: { reference: `Patient/${PID}` },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'J44.9' }] },
    };
    it.each(CODE_VARIANTS)('daratumumab and isatuximab drafts coded as %s fire; the suggested premedications settle it', (variant) => {
      for (const codes of [CODES.daratumumab, CODES.isatuximab]) {
        const trigger = medicationRequest('cd38', codes, variant);
        const findings = run(fhirSnapshot(NOW, { drafts: [trigger], resources: { conditions: [copd] } }));
        expect(only(findings)).toMatchObject({ variant: 'first-doses-montelukast', subject: 'MedicationRequest/cd38' });
        const cards = renderBoth(findings, 'order-sign').en;
        const suggested = (cards[0]?.suggestions ?? []).map((s, i) => ({ ...(s.actions?.[0]?.resource as Record<string, unknown>), id: `s${i}` }));
        expect(suggested).toHaveLength(4);
        expect(suggested[3]).toMatchObject({ medicationCodeableConcept: { coding: [{ code: 'R03DC03' }, { code: '88249' }] }, dosageInstruction: [{ timing: { repeat: { count: 1 } } }] });
        expect(run(fhirSnapshot(NOW, { drafts: [trigger, ...suggested], resources: { conditions: [copd] } }))).toEqual([]);
      }
    });
    it.each(CODE_VARIANTS)('premedication on record coded as %s counts', (variant) => {
      const active = [CODES.dexamethasone, CODES.cetirizine, CODES.paracetamol].map((c, i) => medicationRequest(`p${i}`, c, variant, { status: 'active' }));
      expect(run(fhirSnapshot(NOW, { drafts: [medicationRequest('cd38', CODES.daratumumab, 'atc-who')], resources: { medicationRequests: active } }))).toEqual([]);
    });
  });

  it('renders every finding kind in both languages', () => {
    const cases: [PatientSnapshot, string][] = [
      [snapshot({ draftOrders: [draftOrder(DARA)] }), 'Daratumumab dose 1: premedicate with dexamethasone, cetirizine 10 mg, paracetamol 1000 mg 1–3 h before'],
      [snapshot({ conditions: [condition('cond:copd')], draftOrders: [draftOrder(ISA)] }), 'Isatuksimab dose 1: premedicate with dexamethasone, cetirizine, paracetamol 1–3 h before; add montelukast (COPD/asthma)'],
      [snapshot({ draftOrders: [draftOrder(DARA)], unavailable: ['medicationAdministrations'] }), 'Daratumumab (dose number unknown, taken as dose 1): premedicate with dexamethasone, cetirizine, paracetamol 1–3 h before'],
      [snapshot({ conditions: [condition('cond:asthma')], draftOrders: [draftOrder(DARA)], unavailable: ['medicationAdministrations'] }), 'Daratumumab (dose number unknown, taken as dose 1): premedicate 1–3 h before; add montelukast (COPD/asthma)'],
      [snapshot({ administrations: given(ISA, 4), draftOrders: [draftOrder(ISA)] }), 'Isatuksimab dose 5: give dexamethasone (treatment dose) as premedication'],
      [snapshot({ draftOrders: [draftOrder(DARA)], unavailable: ['medicationStatements'] }), 'Daratumumab dose 1: medication list unavailable, premedication not checked'],
    ];
    for (const [s, summary] of cases) {
      const cards = renderBoth(run(s), 'order-sign');
      expect(cards.en[0]?.summary).toBe(summary);
      expect(cards.nb[0]?.summary).toMatch(/forbehandling|deksametason/);
    }
  });
});
