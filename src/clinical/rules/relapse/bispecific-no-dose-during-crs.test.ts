import type { Finding, MedicationEntry, PatientSnapshot } from '../../types.js';
import { CRS_FREE_HOURS, bispecificNoDoseDuringCrs } from './bispecific-no-dose-during-crs.js';
import { coded, codedByConcept, condition, context, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth, renderValid } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, PID, SPECS, fhirSnapshot, medicationResource, suggestedResources } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');
const HOUR = 60 * 60 * 1000;
const hoursAgo = (h: number): Date => new Date(NOW.getTime() - h * HOUR);
const run = (s: PatientSnapshot): Finding[] => bispecificNoDoseDuringCrs.evaluate(s, context('order-sign', NOW));

const tec = draftOrder(SPECS.teclistamab, { id: 'tec' });
const given = (drug: { display: string; concepts: readonly string[] }, h: number, id: string): MedicationEntry =>
  medication(drug, { source: 'MedicationAdministration', id, occurredAt: hoursAgo(h) });
/** Step-up 1 given 100 h ago and step-up 2 given 72 h ago: the draft is the first full dose. */
const twoStepUps = [given(SPECS.teclistamab, 72, 'su2'), given(SPECS.teclistamab, 100, 'su1')];
/** Step-up 1 given 48 h ago: the draft is step-up 2. */
const oneStepUp = [given(SPECS.teclistamab, 48, 'su1')];
const toci = (h: number): MedicationEntry => given(SPECS.tocilizumab, h, `toci-${h}`);
const assessed = (...items: [answer: 'present' | 'absent', hoursAgo: number][]): PatientSnapshot['codedObservations'] =>
  codedByConcept(...items.map(([a, h]) => coded('obs:crs-assessment', [`answer:${a}`], hoursAgo(h))));
const crs = (status: string, h: number, concept = 'cond:crs', verificationStatus?: string): ReturnType<typeof condition> =>
  condition(concept, { clinicalStatus: status, onset: hoursAgo(h), recorded: hoursAgo(h), id: `${concept.slice(5)}-${status}-${h}`, ...(verificationStatus ? { verificationStatus } : {}) });

describe('bispecific-no-dose-during-crs', () => {
  it('only on order-sign', () => expect(bispecificNoDoseDuringCrs.hooks).toEqual(['order-sign']));

  it('ongoing CRS at the first full dose → critical, naming the drug, with a postpone suggestion', () => {
    const [f] = run(snapshot({ administrations: twoStepUps, conditions: [crs('active', 30)], draftOrders: [tec] }));
    expect(f).toMatchObject({
      outcome: 'fired',
      variant: 'ongoing',
      indicator: 'critical',
      subject: 'MedicationRequest/tec',
      params: { drug: 'Teklistamab' },
      criteriaMet: ['first-full-dose', 'ongoing-crs-icans'],
    });
    expect(f?.suggestions).toEqual([{ template: 'postpone-dose', targetRef: 'MedicationRequest/tec' }]);
  });

  it('an active CRS Condition counts as ongoing however old (no abatement); resolved or refuted does not', () => {
    expect(run(snapshot({ administrations: oneStepUp, conditions: [crs('active', 24 * 90)], draftOrders: [tec] }))[0]?.variant).toBe('ongoing');
    expect(run(snapshot({ administrations: oneStepUp, conditions: [crs('active', 10, 'cond:crs', 'refuted')], codedObservations: assessed(['absent', 30]), draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ administrations: oneStepUp, conditions: [crs('resolved', 24 * 90)], codedObservations: assessed(['absent', 30]), draftOrders: [tec] }))).toEqual([]);
  });

  it('ongoing ICANS at the first step-up → critical; nothing else is asked before the first dose', () => {
    expect(run(snapshot({ conditions: [crs('active', 5, 'cond:icans')], draftOrders: [tec] }))[0]).toMatchObject({ outcome: 'fired', variant: 'ongoing', criteriaMet: ['step-up-dose', 'ongoing-crs-icans'] });
    expect(run(snapshot({ draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ administrations: [toci(3)], draftOrders: [tec] }))).toEqual([]);
  });

  it('MD-warn: no CRS/ICANS assessment since the last dose → warning; an absent assessment since the last dose clears it', () => {
    expect(run(snapshot({ administrations: oneStepUp, draftOrders: [tec] }))[0]).toMatchObject({
      outcome: 'not-evaluable',
      variant: 'default',
      indicator: 'warning',
      missing: ['obs:crs-assessment'],
      criteriaMet: ['step-up-dose'],
    });
    expect(run(snapshot({ administrations: oneStepUp, codedObservations: assessed(['absent', 47.9]), draftOrders: [tec] }))).toEqual([]);
    // Documented before the last dose (48 h ago) does not count.
    expect(run(snapshot({ administrations: oneStepUp, codedObservations: assessed(['absent', 48]), draftOrders: [tec] }))[0]?.outcome).toBe('not-evaluable');
    expect(run(snapshot({ administrations: oneStepUp, codedObservations: assessed(['absent', 49]), draftOrders: [tec] }))[0]?.outcome).toBe('not-evaluable');
  });

  it('the newest assessment since the last dose reading present → ongoing', () => {
    expect(run(snapshot({ administrations: oneStepUp, codedObservations: assessed(['present', 2], ['absent', 20]), draftOrders: [tec] }))[0]?.variant).toBe('ongoing');
    // A present reading before the last dose is history: the dose after it was given.
    expect(run(snapshot({ administrations: oneStepUp, codedObservations: assessed(['present', 60], ['absent', 30]), draftOrders: [tec] }))).toEqual([]);
  });

  it(`CRS-free window: ${CRS_FREE_HOURS} h from the first absent assessment after CRS (23.99 / 24 / 24.01 h)`, () => {
    expect(CRS_FREE_HOURS).toBe(24);
    const at = (free: number): Finding[] => run(snapshot({ administrations: oneStepUp, codedObservations: assessed(['present', 40], ['absent', free]), draftOrders: [tec] }));
    expect(at(23.99)[0]).toMatchObject({ outcome: 'fired', variant: 'crs-free-lt-24h', indicator: 'critical', params: { hours: 23 }, criteriaMet: ['step-up-dose', 'crs-since-last-dose', 'crs-free-lt-24h'] });
    expect(at(24)).toEqual([]);
    expect(at(24.01)).toEqual([]);
  });

  it('CRS-free counts from the first absent reading after the last present one, not from a later one', () => {
    const s = snapshot({ administrations: oneStepUp, codedObservations: assessed(['present', 40], ['absent', 30], ['absent', 2]), draftOrders: [tec] });
    expect(run(s)).toEqual([]);
    const relapse = snapshot({ administrations: oneStepUp, codedObservations: assessed(['present', 40], ['absent', 30], ['present', 20], ['absent', 10]), draftOrders: [tec] });
    expect(run(relapse)[0]).toMatchObject({ variant: 'crs-free-lt-24h', params: { hours: 10 } });
  });

  it('tocilizumab within 24 h → critical (23.99 h); at 24 h the CRS-free assessment decides', () => {
    expect(run(snapshot({ administrations: [...oneStepUp, toci(23.99)], codedObservations: assessed(['absent', 1]), draftOrders: [tec] }))[0]).toMatchObject({
      variant: 'treated-recently',
      indicator: 'critical',
      params: { hours: 23 },
      criteriaMet: ['step-up-dose', 'crs-since-last-dose', 'treatment-lt-24h'],
    });
    expect(run(snapshot({ administrations: [...oneStepUp, toci(24)], codedObservations: assessed(['absent', 23.99]), draftOrders: [tec] }))[0]?.variant).toBe('crs-free-lt-24h');
    expect(run(snapshot({ administrations: [...oneStepUp, toci(25)], codedObservations: assessed(['absent', 24]), draftOrders: [tec] }))).toEqual([]);
  });

  it('tocilizumab since the last dose with no later absent assessment → MD-warn (resolution undocumented)', () => {
    const [f] = run(snapshot({ administrations: [...oneStepUp, toci(30)], codedObservations: assessed(['absent', 40]), draftOrders: [tec] }));
    expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'resolution-undocumented', indicator: 'warning', missing: ['obs:crs-assessment'] });
    // Tocilizumab before the last dose belongs to an earlier episode.
    expect(run(snapshot({ administrations: [...oneStepUp, toci(60)], codedObservations: assessed(['absent', 40]), draftOrders: [tec] }))).toEqual([]);
  });

  it('a CRS Condition resolved since the last dose needs a CRS-free assessment after it', () => {
    expect(run(snapshot({ administrations: oneStepUp, conditions: [crs('resolved', 30)], draftOrders: [tec] }))[0]?.variant).toBe('resolution-undocumented');
    expect(run(snapshot({ administrations: oneStepUp, conditions: [crs('resolved', 30)], codedObservations: assessed(['absent', 25]), draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ administrations: oneStepUp, conditions: [crs('resolved', 30)], codedObservations: assessed(['absent', 12]), draftOrders: [tec] }))[0]?.variant).toBe('crs-free-lt-24h');
  });

  it('the 24 h are measured to the draft date when it has one', () => {
    const later = draftOrder(SPECS.elranatamab, { id: 'elr', date: new Date(NOW.getTime() + 12 * HOUR) });
    const su = [given(SPECS.elranatamab, 48, 'e1')];
    expect(run(snapshot({ administrations: su, codedObservations: assessed(['present', 30], ['absent', 13]), draftOrders: [later] }))).toEqual([]);
    expect(run(snapshot({ administrations: su, codedObservations: assessed(['present', 30], ['absent', 11]), draftOrders: [later] }))[0]?.params.hours).toBe(23);
    const today = draftOrder(SPECS.elranatamab, { id: 'elr' });
    expect(run(snapshot({ administrations: su, codedObservations: assessed(['present', 30], ['absent', 13]), draftOrders: [today] }))[0]?.params.hours).toBe(13);
  });

  it('talquetamab: all three step-ups and the first full dose are in scope', () => {
    const tal = draftOrder(SPECS.talquetamab, { id: 'tal' });
    const three = [given(SPECS.talquetamab, 50, 't3'), given(SPECS.talquetamab, 100, 't2'), given(SPECS.talquetamab, 150, 't1')];
    expect(run(snapshot({ administrations: three, conditions: [crs('active', 10)], draftOrders: [tal] }))[0]?.criteriaMet).toEqual(['first-full-dose', 'ongoing-crs-icans']);
    expect(run(snapshot({ administrations: three.slice(0, 2), draftOrders: [tal] }))[0]).toMatchObject({ outcome: 'not-evaluable', criteriaMet: ['step-up-dose'] });
  });

  it('MD-scope: a maintenance dose, linvoseltamab or a non-bispecific draft → nothing', () => {
    const three = [...twoStepUps, given(SPECS.teclistamab, 24 * 7, 'f1')];
    expect(run(snapshot({ administrations: three, conditions: [crs('active', 10)], draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ conditions: [crs('active', 10)], draftOrders: [draftOrder(SPECS.linvoseltamab)] }))).toEqual([]);
    expect(run(snapshot({ conditions: [crs('active', 10)], draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
  });

  it('accepting the suggestion (the draft deleted) leaves no card', () => {
    const s = snapshot({ administrations: twoStepUps, conditions: [crs('active', 10)], draftOrders: [tec] });
    const [action] = suggestedResources(renderValid(run(s), 'order-sign')[0]);
    expect(action).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/tec' });
    expect(run({ ...s, draftOrders: s.draftOrders.filter((d) => d.ref !== action?.resourceId) })).toEqual([]);
  });

  it.each(CODE_VARIANTS.flatMap((v) => (['teclistamab', 'elranatamab', 'talquetamab'] as const).map((d) => [d, v] as const)))(
    '%s coded as %s, with a local CRS Condition, through the snapshot builder',
    (drug, variant) => {
      const cond = {
        resourceType: 'Condition',
        id: 'crs',
        subject: { reference: `Patient/${PID}` },
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
        code: { coding: [{ system: 'urn:heme-cds:local', code: 'crs' }], text: 'CRS grad 1' },
        onsetDateTime: '2026-11-21T20:00:00Z',
      };
      const s = fhirSnapshot({ drafts: [medicationResource('MedicationRequest', 'bs', DRUG_CODES[drug], variant)], resources: { conditions: [cond] } }, NOW);
      expect(run(s)[0]).toMatchObject({ outcome: 'fired', variant: 'ongoing', subject: 'MedicationRequest/bs' });
    },
  );

  it('FHIR: step-up and tocilizumab administrations and a coded CRS assessment through the snapshot builder', () => {
    const admin = (id: string, codes: (typeof DRUG_CODES)[keyof typeof DRUG_CODES] | { atc: string; rxnorm: string; text: string }, at: string): Record<string, unknown> =>
      medicationResource('MedicationAdministration', id, codes, 'atc-oid', { effectiveDateTime: at });
    const assessment = (id: string, answer: string, at: string): Record<string, unknown> => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      subject: { reference: `Patient/${PID}` },
      code: { coding: [{ system: 'urn:heme-cds:local', code: 'crs-assessment' }] },
      valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: answer }] },
      effectiveDateTime: at,
    });
    const tocilizumab = { atc: 'L04AC07', rxnorm: '612865', text: 'Produkt T' };
    const draft = medicationResource('MedicationRequest', 'bs', DRUG_CODES.teclistamab, 'rxnorm');
    const su1 = admin('su1', DRUG_CODES.teclistamab, '2026-11-20T09:00:00Z');
    const s = (resources: unknown[], obs: unknown[]): PatientSnapshot =>
      fhirSnapshot({ drafts: [draft], resources: { medicationAdministrations: [su1, ...resources], observations: obs } }, NOW);
    expect(run(s([admin('t', tocilizumab, '2026-11-21T12:00:00Z')], []))[0]?.variant).toBe('treated-recently');
    expect(run(s([], [assessment('a1', 'LA9633-4', '2026-11-21T12:00:00Z')]))[0]?.variant).toBe('ongoing');
    expect(run(s([], [assessment('a1', 'LA9634-2', '2026-11-21T12:00:00Z')]))).toEqual([]);
  });

  it('renders every outcome and variant in both languages', () => {
    const ongoing = renderBoth(run(snapshot({ administrations: twoStepUps, conditions: [crs('active', 10)], draftOrders: [tec] })), 'order-sign');
    expect(ongoing.nb[0]?.summary).toBe('Teklistamab: ikke gi opptrappings-/første fulldose under pågående CRS/ICANS');
    expect(ongoing.en[0]?.indicator).toBe('critical');
    expect(ongoing.en[0]?.overrideReasons?.[0]?.code).toBe('clinical-judgement');
    expect(ongoing.en[0]?.source.topic?.code).toBe('bispecific-no-dose-during-crs');

    const treated = renderBoth(run(snapshot({ administrations: [...oneStepUp, toci(5)], draftOrders: [tec] })), 'order-sign');
    expect(treated.en[0]?.summary).toBe('Teklistamab: CRS treated with tocilizumab 5 h ago — at least 24 h without treatment required');
    expect(treated.nb[0]?.summary).toMatch(/for 5 timer siden/);

    const free = renderBoth(run(snapshot({ administrations: oneStepUp, codedObservations: assessed(['present', 40], ['absent', 8]), draftOrders: [tec] })), 'order-sign');
    expect(free.en[0]?.summary).toBe('Teklistamab: CRS-free for only 8 h — at least 24 h free of CRS required before the dose');

    const none = renderBoth(run(snapshot({ administrations: oneStepUp, draftOrders: [tec] })), 'order-sign');
    expect(none.en[0]?.summary).toBe('Teklistamab: confirm no CRS/ICANS in the last 24 h (missing CRS/ICANS assessment)');
    expect(none.en[0]?.source.topic?.code).toBe('bispecific-no-dose-during-crs.not-evaluable');
    expect(none.nb[0]?.summary).toMatch(/mangler CRS\/ICANS-vurdering/);

    const unresolved = renderBoth(run(snapshot({ administrations: [...oneStepUp, toci(30)], draftOrders: [tec] })), 'order-sign');
    expect(unresolved.en[0]?.summary).toMatch(/^Teklistamab: CRS since the last dose but no CRS-free assessment/);
    expect(unresolved.en[0]?.indicator).toBe('warning');
  });
});
