import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { antifungalGcsfCartBispecific } from './antifungal-gcsf-cart-bispecific.js';
import { context, daysFrom, draftOrder, draftProcedure, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, PID, fhirSnapshot, medicationRequest } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const CILTACEL = { display: 'Carvykti', concepts: ['drug:ciltacabtagene-autoleucel', 'class:bcma-directed', 'class:car-t'] };
const TECLISTAMAB = { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bcma-directed', 'class:bispecific'] };
const LINVOSELTAMAB = { display: 'Linvoseltamab', concepts: ['drug:linvoseltamab', 'class:bcma-directed', 'class:bispecific'] };
const FILGRASTIM = { display: 'Filgrastim', concepts: ['drug:filgrastim', 'class:g-csf'] };
const FLUCONAZOLE = { display: 'Flukonazol', concepts: ['drug:fluconazole'] };
const DEX = { display: 'Deksametason', concepts: ['drug:dexamethasone'] };

function run(s: PatientSnapshot, hook: Hook = 'patient-view'): Finding[] {
  return antifungalGcsfCartBispecific.evaluate(s, context(hook, NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
const cartDay = (day: number) => ({ administrations: [medication(CILTACEL, { source: 'MedicationAdministration', id: 'cart', occurredAt: daysFrom(NOW, -day) })] });
const neutrophils = (...values: [number, number][]) => ({ labs: labsByConcept(...values.map(([v, daysAgo]) => lab('lab:neutrophils', v, '10*9/L', daysFrom(NOW, -daysAgo)))) });
const tecDoses = (n: number) => Array.from({ length: n }, (_, i) => medication(TECLISTAMAB, { source: 'MedicationAdministration', id: `tec-${i}`, occurredAt: daysFrom(NOW, -2 * (n - i)) }));

describe('antifungal-gcsf-cart-bispecific', () => {
  it('runs on patient-view, order-select and order-sign', () => {
    expect(antifungalGcsfCartBispecific.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
  });

  describe('fluconazole on patient-view: «vedvarende neutropeni (<0,5 x 109) og steroidbruk»', () => {
    const base = { ...cartDay(40), medications: [medication(DEX)] };
    it.each([
      [0.49, 1],
      [0.5, 0],
      [0.51, 0],
    ])('neutrophils %p ×10⁹/L with steroids -> %i cards', (value, n) => {
      const findings = run(snapshot({ ...base, ...neutrophils([value, 1]) }));
      expect(findings).toHaveLength(n);
      if (n) expect(only(findings)).toMatchObject({ variant: 'fluconazole', indicator: 'info', subject: 'patient', params: { neutrophils: value }, suggestions: [{ template: 'create-fluconazole' }] });
    });

    it('persistent = every count of the last 7 days below 0.5; counts older than 7 days are missing (no card)', () => {
      expect(run(snapshot({ ...base, ...neutrophils([0.3, 1], [0.6, 5]) }))).toEqual([]);
      expect(run(snapshot({ ...base, ...neutrophils([0.3, 1], [0.6, 8]) }))).toHaveLength(1);
      expect(run(snapshot({ ...base, ...neutrophils([0.3, 7]) }))).toHaveLength(1);
      expect(run(snapshot({ ...base, ...neutrophils([0.3, 8]) }))).toEqual([]);
    });

    it('needs steroids (active, drafted or given in 7 days), a CAR-T/bispecific patient, and no antifungal', () => {
      const low = neutrophils([0.2, 1]);
      expect(run(snapshot({ ...cartDay(40), ...low }))).toEqual([]);
      expect(run(snapshot({ administrations: [...cartDay(40).administrations, medication(DEX, { source: 'MedicationAdministration', id: 'dx', occurredAt: daysFrom(NOW, -6) })], ...low }))).toHaveLength(1);
      expect(run(snapshot({ administrations: [...cartDay(40).administrations, medication(DEX, { source: 'MedicationAdministration', id: 'dx', occurredAt: daysFrom(NOW, -8) })], ...low }))).toEqual([]);
      expect(run(snapshot({ medications: [medication(DEX)], ...low }))).toEqual([]);
      expect(run(snapshot({ medications: [medication(TECLISTAMAB), medication(DEX)], ...low }))).toHaveLength(1);
      expect(run(snapshot({ ...base, ...low, medications: [medication(DEX), medication(FLUCONAZOLE)] }))).toEqual([]);
    });
  });

  describe('G-CSF draft: «Bør unngås under opptrapping av bispesifikke og den første perioden etter CAR-T»', () => {
    it.each([
      [13, 1],
      [14, 1],
      [15, 0],
    ])('CAR-T day +%i -> %i warnings', (day, n) => {
      const findings = run(snapshot({ ...cartDay(day), draftOrders: [draftOrder(FILGRASTIM, { id: 'g' })] }), 'order-sign');
      expect(findings).toHaveLength(n);
      if (n) expect(only(findings)).toMatchObject({ variant: 'gcsf-early-car-t', indicator: 'warning', subject: 'MedicationRequest/g', params: { drug: 'Filgrastim', day }, suggestions: [{ template: 'remove-gcsf', targetRef: 'MedicationRequest/g' }] });
    });

    it.each([
      [0, 1],
      [2, 1],
      [3, 0],
    ])('teclistamab with %i doses given (2 step-ups) -> %i warnings', (n, cards) => {
      const s = snapshot({ medications: [medication(TECLISTAMAB)], administrations: tecDoses(n), draftOrders: [draftOrder(FILGRASTIM)] });
      expect(run(s, 'order-select')).toHaveLength(cards);
      if (cards) expect(only(run(s, 'order-select'))).toMatchObject({ variant: 'gcsf-step-up', indicator: 'warning' });
    });

    it('a bispecific or CAR-T drafted in the same session counts; linvoseltamab has no step-up; G-CSF without CAR-T/bispecific is out of scope', () => {
      expect(only(run(snapshot({ draftOrders: [draftOrder(FILGRASTIM), { ...draftOrder(TECLISTAMAB), inFocus: false }] }), 'order-select')).variant).toBe('gcsf-step-up');
      expect(only(run(snapshot({ draftOrders: [draftOrder(FILGRASTIM), { ...draftProcedure('proc:car-t-infusion'), inFocus: false }] }), 'order-sign')).variant).toBe('gcsf-early-car-t');
      expect(run(snapshot({ medications: [medication(LINVOSELTAMAB)], draftOrders: [draftOrder(FILGRASTIM)] }), 'order-sign')).toEqual([]);
      expect(run(snapshot({ draftOrders: [draftOrder(FILGRASTIM)] }), 'order-sign')).toEqual([]);
    });
  });

  describe('fluconazole draft on order-select: the indication as context', () => {
    it('indicated, not indicated, or no card without a count in 7 days; none on order-sign', () => {
      const s = (value: number, steroid: boolean) => snapshot({ ...cartDay(40), ...neutrophils([value, 1]), medications: steroid ? [medication(DEX)] : [], draftOrders: [draftOrder(FLUCONAZOLE, { id: 'f' })] });
      expect(only(run(s(0.4, true), 'order-select'))).toMatchObject({ variant: 'fluconazole-order-indicated', subject: 'MedicationRequest/f', params: { drug: 'Flukonazol' } });
      expect(only(run(s(0.5, true), 'order-select'))).toMatchObject({ variant: 'fluconazole-order-not-indicated', criteriaNotMet: ['persistent-neutropenia'] });
      expect(only(run(s(0.4, false), 'order-select'))).toMatchObject({ variant: 'fluconazole-order-not-indicated', criteriaNotMet: ['steroid-use'] });
      expect(run(s(0.4, true), 'order-sign')).toEqual([]);
      expect(run(snapshot({ ...cartDay(40), medications: [medication(DEX)], draftOrders: [draftOrder(FLUCONAZOLE)] }), 'order-select')).toEqual([]);
    });
  });

  describe('through the snapshot builder', () => {
    const obs = (value: number, unit: string) => ({
      resourceType: 'Observation', id: 'neut', status: 'final', subject: { reference: `Patient/${PID}` }, effectiveDateTime: '2026-11-21T08:00:00Z',
      code: { coding: [{ system: 'http://loinc.org', code: '751-8' }] }, valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    });
    const cart = { resourceType: 'MedicationAdministration', id: 'cart', status: 'completed', subject: { reference: `Patient/${PID}` }, effectiveDateTime: '2026-10-01T10:00:00Z', medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01XL05' }] } };
    it.each([
      [490, '/uL', 1],
      [500, '/uL', 0],
      [510, '/uL', 0],
      [0.49, '10*3/uL', 1],
      [0.5, '10*3/uL', 0],
    ])('neutrophils %p %s -> %i cards', (value, unit, n) => {
      const s = fhirSnapshot(NOW, { resources: { observations: [obs(value, unit)], medicationAdministrations: [cart], medicationRequests: [medicationRequest('dex', CODES.dexamethasone, 'atc-who', { status: 'active' })] } });
      expect(run(s)).toHaveLength(n);
    });

    it.each(CODE_VARIANTS)('a G-CSF draft coded as %s warns during teclistamab step-up', (variant) => {
      const filgrastim = { atc: 'L03AA02', rxnorm: '68442', text: 'Filgrastim' };
      const s = fhirSnapshot(NOW, { drafts: [medicationRequest('g', filgrastim, variant)], resources: { medicationRequests: [medicationRequest('tec', CODES.teclistamab, variant, { status: 'active' })] } });
      expect(only(run(s, 'order-sign'))).toMatchObject({ variant: 'gcsf-step-up', subject: 'MedicationRequest/g' });
    });

    it('the suggested fluconazole settles the patient-view card', () => {
      const resources = { observations: [obs(0.3, '10*9/L')], medicationAdministrations: [cart], medicationRequests: [medicationRequest('dex', CODES.dexamethasone, 'rxnorm', { status: 'active' })] };
      const findings = run(fhirSnapshot(NOW, { resources }));
      const resource = renderBoth(findings, 'patient-view').en[0]?.suggestions?.[0]?.actions?.[0]?.resource as Record<string, unknown>;
      expect(resource).toMatchObject({ resourceType: 'MedicationRequest', medicationCodeableConcept: { coding: [{ code: 'J02AC01' }, { code: '4450' }] } });
      expect(run(fhirSnapshot(NOW, { resources, drafts: [{ ...resource, id: 'suggested' }] }))).toEqual([]);
    });
  });

  it('renders every finding kind in both languages', () => {
    const pv = renderBoth(run(snapshot({ ...cartDay(40), medications: [medication(DEX)], ...neutrophils([0.2, 1]) })), 'patient-view');
    expect(pv.en[0]?.summary).toBe('Neutrophils 0.2×10⁹/L (<0.5) with steroids after CAR-T/bispecific: consider fluconazole');
    expect(pv.nb[0]?.summary).toBe('Nøytrofile 0,2×10⁹/L (<0,5) og steroider ved CAR-T/bispesifikk: vurder flukonazol');
    const step = renderBoth(run(snapshot({ medications: [medication(TECLISTAMAB)], draftOrders: [draftOrder(FILGRASTIM)] }), 'order-sign'), 'order-sign');
    expect(step.en[0]?.summary).toBe('Filgrastim during bispecific step-up: G-CSF should be avoided (CRS risk)');
    expect(step.en[0]?.suggestions?.[0]?.actions?.[0]).toMatchObject({ type: 'delete' });
    const early = renderBoth(run(snapshot({ ...cartDay(5), draftOrders: [draftOrder(FILGRASTIM)] }), 'order-sign'), 'order-sign');
    expect(early.en[0]?.summary).toBe('Filgrastim on day +5 after CAR-T: G-CSF should be avoided early after CAR-T (CRS risk)');
    const order = (value: number) => renderBoth(run(snapshot({ ...cartDay(40), medications: [medication(DEX)], ...neutrophils([value, 1]), draftOrders: [draftOrder(FLUCONAZOLE)] }), 'order-select'), 'order-select');
    expect(order(0.3).en[0]?.summary).toMatch(/^Flukonazol: neutrophils 0.3/);
    expect(order(1.2).nb[0]?.summary).toMatch(/ikke oppfylt \(nøytrofile 1,2\)/);
  });
});
