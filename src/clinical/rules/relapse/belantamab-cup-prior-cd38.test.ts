import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { belantamabCupPriorCd38 } from './belantamab-cup-prior-cd38.js';
import { context, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, SPECS, fhirSnapshot, medicationResource } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');
const run = (s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] => belantamabCupPriorCd38.evaluate(s, context(hook, NOW));
const bel = (id = 'bel'): ReturnType<typeof draftOrder> => draftOrder(SPECS.belantamab, { id });
const lenalidomideHistory = medication('lenalidomide', { status: 'completed', date: '2025-01-01' });

describe('belantamab-cup-prior-cd38', () => {
  it('declares hooks and needs', () => {
    expect(belantamabCupPriorCd38.hooks).toEqual(['order-select', 'order-sign']);
    expect(belantamabCupPriorCd38.handlesUnavailable).toBe(true);
  });

  it('warns at order-sign when no CD38 antibody was ever given, naming the draft', () => {
    const [f, ...rest] = run(snapshot({ medications: [lenalidomideHistory], draftOrders: [bel()] }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      outcome: 'fired',
      subject: 'MedicationRequest/bel',
      indicator: 'warning',
      params: { drug: 'Belantamab mafodotin' },
      criteriaMet: ['belantamab-order', 'no-prior-cd38'],
    });
  });

  it('is info on order-select', () => {
    expect(run(snapshot({ medications: [lenalidomideHistory], draftOrders: [bel()] }), 'order-select')[0]?.indicator).toBe('info');
  });

  it('no card after daratumumab (completed order), isatuximab (statement) or a daratumumab administration', () => {
    for (const m of [
      medication('daratumumab', { status: 'completed' }),
      medication(SPECS.isatuximab, { source: 'MedicationStatement', status: 'stopped' }),
      medication('daratumumab', { source: 'MedicationAdministration' }),
    ]) {
      const s = m.source === 'MedicationAdministration' ? snapshot({ administrations: [m], draftOrders: [bel()] }) : snapshot({ medications: [m], draftOrders: [bel()] });
      expect(run(s)).toEqual([]);
    }
  });

  it('a daratumumab entered in error does not count', () => {
    expect(run(snapshot({ medications: [medication('daratumumab', { status: 'entered-in-error' }), lenalidomideHistory], draftOrders: [bel()] }))).toHaveLength(1);
  });

  it('a CD38 antibody only in the same order session is not prior exposure', () => {
    const s = snapshot({ medications: [lenalidomideHistory], draftOrders: [bel(), draftOrder('daratumumab')] });
    expect(run(s)[0]?.outcome).toBe('fired');
  });

  it('MD-scope: no belantamab draft, or one out of focus on order-select → nothing', () => {
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder(SPECS.belantamab, { inFocus: false })] }), 'order-select')).toEqual([]);
  });

  it('MD-warn: empty medication history or unavailable domains → not-evaluable warning', () => {
    const empty = run(snapshot({ draftOrders: [bel()] }))[0];
    expect(empty).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['class:cd38-antibody'] });
    const unavailable = run(snapshot({ medications: [lenalidomideHistory], draftOrders: [bel()], unavailable: ['medicationAdministrations'] }))[0];
    expect(unavailable).toMatchObject({ outcome: 'not-evaluable', missing: ['domain:medicationAdministrations'] });
  });

  it.each(CODE_VARIANTS)('matches belantamab and daratumumab coded as %s through the snapshot builder', (variant) => {
    const draft = medicationResource('MedicationRequest', 'bel-draft', DRUG_CODES.belantamab, variant);
    const noCd38 = fhirSnapshot({ drafts: [draft], resources: { medicationRequests: [medicationResource('MedicationRequest', 'len', { atc: 'L04AX04', rxnorm: '342369', text: 'x' }, 'atc-who', { status: 'completed' })] } }, NOW);
    expect(run(noCd38)[0]).toMatchObject({ outcome: 'fired', subject: 'MedicationRequest/bel-draft' });
    const withCd38 = fhirSnapshot(
      { drafts: [draft], resources: { medicationAdministrations: [medicationResource('MedicationAdministration', 'dara', DRUG_CODES.daratumumab, variant, { effectiveDateTime: '2025-03-01' })] } },
      NOW,
    );
    expect(run(withCd38)).toEqual([]);
  });

  it('renders both outcomes in both languages', () => {
    const fired = renderBoth(run(snapshot({ medications: [lenalidomideHistory], draftOrders: [bel()] })), 'order-sign');
    expect(fired.en[0]?.summary).toBe('Belantamab mafodotin: belantamab via compassionate use requires prior CD38-antibody therapy — none recorded');
    expect(fired.nb[0]?.overrideReasons?.length).toBe(2);
    const ne = renderBoth(run(snapshot({ draftOrders: [bel()] })), 'order-sign');
    expect(ne.nb[0]?.summary).toMatch(/kan ikke bekreftes/);
    expect(ne.en[0]?.source.topic?.code).toBe('belantamab-cup-prior-cd38.not-evaluable');
  });
});
