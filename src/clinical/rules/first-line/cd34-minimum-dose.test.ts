import type { DraftOrder, Finding, Hook, PatientSnapshot } from '../../types.js';
import { cd34MinimumDose } from './cd34-minimum-dose.js';
import { context, daysFrom, draftOrder, draftProcedure, lab, labsByConcept, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, medicationRequest } from './fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const GRAFT = 'lab:cd34-graft-dose';
const UNIT = '10*6/kg';
const MELPHALAN = { display: 'Melfalan', concepts: ['drug:melphalan'] };
const HMAS = 'proc:hmas';

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return cd34MinimumDose.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

const melphalan200 = (): DraftOrder => draftOrder(MELPHALAN, { id: 'mel', dose: { value: 200, unit: 'mg/m2' } });

function withGraft(dose: number | undefined, drafts: DraftOrder[] = [melphalan200()], plannedHmas = 0): PatientSnapshot {
  return snapshot({
    labs: dose === undefined ? {} : labsByConcept(lab(GRAFT, dose, UNIT, daysFrom(NOW, -60))),
    procedures: Array.from({ length: plannedHmas }, (_, i) => procedure(HMAS, { source: 'ServiceRequest', id: `hmas-${i}`, status: 'active', date: daysFrom(NOW, 7 + 60 * i) })),
    draftOrders: drafts,
  });
}

describe('cd34-minimum-dose', () => {
  it('declares order-sign only', () => {
    expect(cd34MinimumDose.hooks).toEqual(['order-sign']);
    expect(cd34MinimumDose.needs).toEqual(['observations', 'serviceRequests']);
  });

  it('one HMAS: 1.9 warns, 2.0 and 2.1 do not', () => {
    expect(only(run(withGraft(1.9)))).toMatchObject({
      outcome: 'fired',
      variant: 'single',
      subject: 'MedicationRequest/mel',
      indicator: 'warning',
      params: { dose: 1.9, required: 2, planned: 1 },
      criteriaMet: ['graft-below-minimum'],
    });
    expect(run(withGraft(2.0))).toEqual([]);
    expect(run(withGraft(2.1))).toEqual([]);
  });

  it('tandem (two planned HMAS requests): 3.9 warns, 4.0 does not', () => {
    expect(only(run(withGraft(3.9, [melphalan200()], 2)))).toMatchObject({ variant: 'tandem', params: { required: 4, planned: 2 }, criteriaMet: ['graft-below-minimum', 'tandem-planned'] });
    expect(run(withGraft(4.0, [melphalan200()], 2))).toEqual([]);
  });

  it('a drafted HMAS request counts towards tandem and is itself checked', () => {
    const s = withGraft(3, [draftProcedure(HMAS, { id: 'hmas-draft' })], 1);
    expect(only(run(s))).toMatchObject({ subject: 'ServiceRequest/hmas-draft', variant: 'tandem', params: { planned: 2 } });
  });

  it('graft dose not documented: MD-warn', () => {
    expect(only(run(withGraft(undefined)))).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: [GRAFT] });
  });

  it('a graft value dated after the request time is not used', () => {
    const s = { ...withGraft(undefined), labs: labsByConcept(lab(GRAFT, 5, UNIT, daysFrom(NOW, 1))) };
    expect(only(run(s)).outcome).toBe('not-evaluable');
  });

  it('scope: melphalan below 140 mg/m² without a planned HMAS is not an HMAS order; with one it is', () => {
    const low = draftOrder(MELPHALAN, { id: 'low', dose: { value: 10, unit: 'mg' } });
    expect(run(withGraft(1, [low]))).toEqual([]);
    expect(only(run(withGraft(1, [low], 1))).subject).toBe('MedicationRequest/low');
    expect(only(run(withGraft(1, [draftOrder(MELPHALAN, { id: 'm140', dose: { value: 140, unit: 'mg/m2' } })]))).subject).toBe('MedicationRequest/m140');
    expect(only(run(withGraft(1, [draftProcedure('proc:hsct', { id: 'reinfusion' })]))).subject).toBe('ServiceRequest/reinfusion');
    expect(run(withGraft(1, [draftOrder('bortezomib')]))).toEqual([]);
  });
});

describe('cd34-minimum-dose cards', () => {
  it('render every outcome in both languages', () => {
    const cards = [only(run(withGraft(1.5))), only(run(withGraft(3.2, [melphalan200()], 2))), only(run(withGraft(undefined)))].map((f) => renderBoth([f], 'order-sign'));
    expect(cards[0]?.en[0]?.summary).toBe('Stem-cell dose 1.5×10⁶ CD34+/kg is below the minimum 2.0×10⁶/kg per HMAS');
    expect(cards[0]?.nb[0]?.summary).toBe('Stamcelledose 1,5×10⁶ CD34+/kg er under minimum 2,0×10⁶/kg per HMAS');
    expect(cards[1]?.en[0]?.summary).toBe('Stem-cell dose 3.2×10⁶ CD34+/kg is below 4×10⁶/kg for 2 planned HMAS (minimum 2.0 per HMAS)');
    expect(cards[2]?.en[0]?.source.topic?.code).toBe('cd34-minimum-dose.not-evaluable');
  });
});

describe('cd34-minimum-dose on the demo patients', () => {
  it('pat-dt-hmas-renal: high-dose melphalan with HMAS planned, graft CD34+/kg not documented -> MD-warn', () => {
    const draft = medicationRequest('dt2-draft-melphalan', CODES.melphalan, 'atc-who', { value: 200, unit: 'mg/m2' }, { subject: { reference: 'Patient/pat-dt-hmas-renal' } });
    expect(only(run(fixtureSnapshot('pat-dt-hmas-renal', NOW, [draft])))).toMatchObject({
      outcome: 'not-evaluable',
      subject: 'MedicationRequest/dt2-draft-melphalan',
      values: [{ concept: 'planned-hmas', value: 1 }],
    });
  });
});
