import type { Finding, PatientSnapshot } from '../../types.js';
import { INFECTION_WINDOW_DAYS, bispecificNoStartDuringInfection } from './bispecific-no-start-during-infection.js';
import { coded, codedByConcept, condition, context, daysFrom, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth, renderValid } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, PID, SPECS, fhirSnapshot, medicationResource, suggestedResources } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');
const run = (s: PatientSnapshot): Finding[] => bispecificNoStartDuringInfection.evaluate(s, context('order-sign', NOW));
const tec = draftOrder(SPECS.teclistamab, { id: 'tec' });
const infection = (daysAgo: number, clinicalStatus = 'active'): ReturnType<typeof condition> =>
  condition('cond:infection', { onset: daysFrom(NOW, -daysAgo), recorded: daysFrom(NOW, -daysAgo), clinicalStatus, id: `inf-${daysAgo}-${clinicalStatus}` });
const assessed = (answer: string, daysAgo: number): PatientSnapshot['codedObservations'] => codedByConcept(coded('obs:infection-assessment', [answer], daysFrom(NOW, -daysAgo)));

describe('bispecific-no-start-during-infection', () => {
  it('only on order-sign', () => expect(bispecificNoStartDuringInfection.hooks).toEqual(['order-sign']));

  it('active infection at the first step-up → critical, naming the drug, with a postpone suggestion', () => {
    const [f] = run(snapshot({ conditions: [infection(2)], draftOrders: [tec] }));
    expect(f).toMatchObject({ outcome: 'fired', indicator: 'critical', subject: 'MedicationRequest/tec', params: { drug: 'Teklistamab' }, criteriaMet: ['bispecific-start', 'active-infection'] });
    expect(f?.suggestions).toEqual([{ template: 'postpone-start', targetRef: 'MedicationRequest/tec' }]);
  });

  it('window: infection documented 7 days before counts, 8 days before is stale (MD-warn)', () => {
    expect(INFECTION_WINDOW_DAYS).toBe(7);
    expect(run(snapshot({ conditions: [infection(7)], draftOrders: [tec] }))[0]?.outcome).toBe('fired');
    expect(run(snapshot({ conditions: [infection(7.01)], draftOrders: [tec] }))[0]?.outcome).toBe('not-evaluable');
    expect(run(snapshot({ conditions: [infection(8)], draftOrders: [tec] }))[0]).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['obs:infection-assessment'] });
    expect(run(snapshot({ codedObservations: assessed('answer:absent', 7), draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ codedObservations: assessed('answer:absent', 8), draftOrders: [tec] }))[0]?.outcome).toBe('not-evaluable');
  });

  it('infection assessed absent, or an infection recorded resolved, within 7 days → no card', () => {
    expect(run(snapshot({ codedObservations: assessed('answer:absent', 1), draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ conditions: [infection(3, 'resolved')], draftOrders: [tec] }))).toEqual([]);
  });

  it('the newest documentation decides', () => {
    expect(run(snapshot({ conditions: [infection(5)], codedObservations: assessed('answer:absent', 1), draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ conditions: [infection(1)], codedObservations: assessed('answer:absent', 5), draftOrders: [tec] }))[0]?.outcome).toBe('fired');
    expect(run(snapshot({ codedObservations: assessed('answer:present', 0), draftOrders: [tec] }))[0]?.outcome).toBe('fired');
  });

  it('MD-scope: not the first step-up (a dose already given), linvoseltamab, or no bispecific → nothing', () => {
    const given = medication(SPECS.teclistamab, { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -2) });
    expect(run(snapshot({ conditions: [infection(1)], administrations: [given], draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ conditions: [infection(1)], draftOrders: [draftOrder(SPECS.linvoseltamab)] }))).toEqual([]);
    expect(run(snapshot({ conditions: [infection(1)], draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
  });

  it('the window is measured from the draft date when it has one', () => {
    const planned = draftOrder(SPECS.elranatamab, { id: 'elr', date: daysFrom(NOW, 3) });
    expect(run(snapshot({ conditions: [infection(5)], draftOrders: [planned] }))[0]?.outcome).toBe('not-evaluable');
    expect(run(snapshot({ conditions: [infection(4)], draftOrders: [planned] }))[0]?.outcome).toBe('fired');
  });

  it('accepting the suggestion (the draft deleted) leaves no card', () => {
    const s = snapshot({ conditions: [infection(1)], draftOrders: [tec] });
    const [action] = suggestedResources(renderValid(run(s), 'order-sign')[0]);
    expect(action).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/tec' });
    expect(run({ ...s, draftOrders: s.draftOrders.filter((d) => d.ref !== action?.resourceId) })).toEqual([]);
  });

  it.each(CODE_VARIANTS.flatMap((v) => (['teclistamab', 'elranatamab', 'talquetamab'] as const).map((d) => [d, v] as const)))(
    '%s coded as %s with a SNOMED infection Condition through the snapshot builder',
    (drug, variant) => {
      const cond = {
        resourceType: 'Condition',
        id: 'inf',
        subject: { reference: `Patient/${PID}` },
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '40733004' }] },
        onsetDateTime: '2026-11-20',
        recordedDate: '2026-11-20',
      };
      const s = fhirSnapshot({ drafts: [medicationResource('MedicationRequest', 'bs', DRUG_CODES[drug], variant)], resources: { conditions: [cond] } }, NOW);
      expect(run(s)[0]).toMatchObject({ outcome: 'fired', subject: 'MedicationRequest/bs' });
    },
  );

  it('renders both outcomes in both languages', () => {
    const fired = renderBoth(run(snapshot({ conditions: [infection(1)], draftOrders: [tec] })), 'order-sign');
    expect(fired.nb[0]?.summary).toBe('Teklistamab: bispesifikk behandling skal aldri startes under pågående infeksjon');
    expect(fired.en[0]?.indicator).toBe('critical');
    expect(fired.en[0]?.overrideReasons?.[0]?.code).toBe('clinical-judgement');
    const ne = renderBoth(run(snapshot({ draftOrders: [tec] })), 'order-sign');
    expect(ne.en[0]?.summary).toMatch(/^Teklistamab: confirm absence of ongoing infection before start/);
  });
});
