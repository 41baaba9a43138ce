import type { Finding, MedicationEntry, PatientSnapshot } from '../../types.js';
import { bispecificPremedication } from './bispecific-premedication.js';
import { context, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth, renderValid } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, SPECS, fhirSnapshot, medicationResource, suggestedResources } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');
const HOUR = 60 * 60 * 1000;
const run = (s: PatientSnapshot): Finding[] => bispecificPremedication.evaluate(s, context('order-sign', NOW));
const tec = draftOrder(SPECS.teclistamab, { id: 'tec', date: NOW });
const elr = draftOrder(SPECS.elranatamab, { id: 'elr', date: NOW });
const premedDrafts = (dexMg: number): ReturnType<typeof draftOrder>[] => [
  draftOrder(SPECS.dexamethasone, { id: 'dex', dose: { value: dexMg, unit: 'mg' } }),
  draftOrder(SPECS.cetirizine, { id: 'cet', dose: { value: 10, unit: 'mg' } }),
  draftOrder(SPECS.paracetamol, { id: 'par', dose: { value: 1000, unit: 'mg' } }),
];
const givenHoursBefore = (spec: (typeof SPECS)[keyof typeof SPECS], h: number, mg: number): MedicationEntry =>
  medication(spec, { source: 'MedicationAdministration', id: `${spec.display}-${h}`, occurredAt: new Date(NOW.getTime() - h * HOUR), dose: { value: mg, unit: 'mg' } });

describe('bispecific-premedication', () => {
  it('step-up 1 without premedication → warning naming the drug, three suggestions', () => {
    const [f] = run(snapshot({ draftOrders: [tec] }));
    expect(f).toMatchObject({ outcome: 'fired', indicator: 'warning', subject: 'MedicationRequest/tec', params: { drug: 'Teklistamab', dexamethasone: 16 } });
    expect(f?.criteriaNotMet).toEqual(['dexamethasone', 'cetirizine', 'paracetamol']);
    expect(f?.suggestions?.map((s) => s.template)).toEqual(['create-dexamethasone-16', 'create-cetirizine', 'create-paracetamol']);
    expect(run(snapshot({ draftOrders: [elr] }))[0]?.suggestions?.[0]?.template).toBe('create-dexamethasone-20');
  });

  it('no card with the three premedications in the session at the seed doses', () => {
    expect(run(snapshot({ draftOrders: [tec, ...premedDrafts(16)] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [elr, ...premedDrafts(20)] }))).toEqual([]);
  });

  it('a dexamethasone dose other than the seed one does not count (16 for elranatamab)', () => {
    expect(run(snapshot({ draftOrders: [elr, ...premedDrafts(16)] }))[0]?.criteriaNotMet).toEqual(['dexamethasone']);
  });

  it('administrations count up to 3 h before the dose, not 3.1 h, not after', () => {
    const at = (h: number): MedicationEntry[] => [givenHoursBefore(SPECS.dexamethasone, h, 16), givenHoursBefore(SPECS.cetirizine, h, 10), givenHoursBefore(SPECS.paracetamol, h, 1000)];
    expect(run(snapshot({ administrations: at(1), draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ administrations: at(3), draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ administrations: at(3.1), draftOrders: [tec] }))[0]?.criteriaNotMet).toHaveLength(3);
    expect(run(snapshot({ administrations: at(-0.5), draftOrders: [tec] }))[0]?.criteriaNotMet).toHaveLength(3);
  });

  it('applies to every step-up and the first full dose, not to later doses', () => {
    const given = (n: number): MedicationEntry[] =>
      Array.from({ length: n }, (_, i) => medication(SPECS.talquetamab, { source: 'MedicationAdministration', id: `t${i}`, occurredAt: new Date(NOW.getTime() - (n - i) * 48 * HOUR) }));
    const tal = draftOrder(SPECS.talquetamab, { id: 'tal', date: NOW });
    for (const n of [0, 1, 2, 3]) expect(run(snapshot({ administrations: given(n), draftOrders: [tal] }))).toHaveLength(1);
    expect(run(snapshot({ administrations: given(4), draftOrders: [tal] }))).toEqual([]);
  });

  it('MD-scope: no bispecific draft, or linvoseltamab (no step-up protocol in the seed) → nothing', () => {
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder(SPECS.linvoseltamab)] }))).toEqual([]);
  });

  it('accepting the suggestions (suggested MedicationRequests added as drafts) makes the card disappear', () => {
    const s = snapshot({ draftOrders: [elr] });
    const card = renderValid(run(s), 'order-sign')[0];
    const actions = suggestedResources(card);
    expect(actions).toHaveLength(3);
    for (const a of actions) expect(a.resource).toMatchObject({ resourceType: 'MedicationRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-1' } });
    const bispecific = medicationResource('MedicationRequest', 'elr', DRUG_CODES.elranatamab, 'atc-who', { authoredOn: NOW.toISOString() });
    expect(run(fhirSnapshot({ drafts: [bispecific] }, NOW))).toHaveLength(1);
    const accepted = fhirSnapshot({ drafts: [bispecific, ...actions.map((a, i) => ({ ...(a.resource as object), id: `s${i}` }))] }, NOW);
    expect(run(accepted)).toEqual([]);
  });

  it.each(CODE_VARIANTS)('teclistamab coded as %s through the snapshot builder', (variant) => {
    const s = fhirSnapshot({ drafts: [medicationResource('MedicationRequest', 'tec', DRUG_CODES.teclistamab, variant)] }, NOW);
    expect(run(s)[0]).toMatchObject({ subject: 'MedicationRequest/tec', params: { dexamethasone: 16 } });
  });

  it('renders in both languages', () => {
    const { nb, en } = renderBoth(run(snapshot({ draftOrders: [elr] })), 'order-sign');
    expect(en[0]?.summary).toBe('Elranatamab: premedication needed — dexamethasone 20 mg, cetirizine 10 mg, paracetamol 1000 mg 1–3 h before');
    expect(nb[0]?.summary).toMatch(/deksametason 20 mg/);
    expect(nb[0]?.suggestions).toHaveLength(3);
  });
});
