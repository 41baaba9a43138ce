import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';
import type { Hook } from '../../types.js';
import { addMonths, bispecificStart, carTDrafted, carTReinfusion, cd4Since, hmasDone, serviceOrdered } from './context.js';
import { context, draftOrder, draftProcedure, lab, labsByConcept, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { pjpProphylaxis } from './pjp-prophylaxis.js';
import { thromboprophylaxisImid } from './thromboprophylaxis-imid.js';
import { vzvProphylaxis } from './vzv-prophylaxis.js';
import { vzvProphylaxisStopCd4 } from './vzv-prophylaxis-stop-cd4.js';
import { ivigSubstitution } from './ivig-substitution.js';
import { antifungalGcsfCartBispecific } from './antifungal-gcsf-cart-bispecific.js';
import { cmvHbvScreening } from './cmv-hbv-screening.js';
import { premedCd38 } from './premed-cd38.js';

describe('prophylaxis-context', () => {
  it('adds calendar months, clamping to the month end', () => {
    expect(addMonths(new Date('2026-08-22T10:00:00Z'), 3).toISOString()).toBe('2026-11-22T10:00:00.000Z');
    expect(addMonths(new Date('2026-11-30T00:00:00Z'), 3).toISOString()).toBe('2027-02-28T00:00:00.000Z');
  });

  it('dates CAR-T by the newest administration or done Procedure, bispecifics by the first dose', () => {
    const s = snapshot({
      administrations: [
        medication({ display: 'Carvykti', concepts: ['class:car-t'] }, { source: 'MedicationAdministration', id: 'a', occurredAt: '2026-01-01' }),
        medication({ display: 'Tec', concepts: ['class:bispecific'] }, { source: 'MedicationAdministration', id: 'b2', occurredAt: '2026-03-01' }),
        medication({ display: 'Tec', concepts: ['class:bispecific'] }, { source: 'MedicationAdministration', id: 'b1', occurredAt: '2026-02-01' }),
      ],
      procedures: [procedure('proc:car-t-infusion', { date: '2026-02-01' }), procedure('proc:car-t-infusion', { source: 'ServiceRequest', date: '2026-06-01' })],
    });
    expect(carTReinfusion(s)?.date).toEqual(new Date('2026-02-01'));
    expect(bispecificStart(s)?.date).toEqual(new Date('2026-02-01'));
    expect(bispecificStart(snapshot({ medications: [medication({ display: 'Tec', concepts: ['class:bispecific'] }, { date: '2026-04-01' })] }))?.date).toEqual(new Date('2026-04-01'));
    expect(hmasDone(snapshot({ procedures: [procedure('proc:hsct', { date: '2026-05-01' })] }))?.date).toEqual(new Date('2026-05-01'));
  });

  it('sees a test ordered on record or in the session, and a CAR-T drafted as product or infusion', () => {
    expect(serviceOrdered(snapshot({ procedures: [procedure('obs:cmv-dna', { source: 'ServiceRequest' })] }), ['obs:cmv-dna'])).toBe(true);
    expect(serviceOrdered(snapshot({ procedures: [procedure('obs:cmv-dna', { source: 'ServiceRequest', status: 'completed' })] }), ['obs:cmv-dna'])).toBe(false);
    expect(serviceOrdered(snapshot({ draftOrders: [{ ...draftProcedure('obs:cmv-dna'), inFocus: false }] }), ['obs:cmv-dna'])).toBe(true);
    expect(serviceOrdered(snapshot({ procedures: [procedure('obs:cmv-dna')] }), ['obs:cmv-dna'])).toBe(false);
    expect(carTDrafted(snapshot({ draftOrders: [draftProcedure('proc:car-t-infusion')] }))).toBe(true);
    expect(carTDrafted(snapshot({ draftOrders: [draftOrder({ display: 'Carvykti', concepts: ['class:car-t'] })] }))).toBe(true);
    expect(carTDrafted(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toBe(false);
  });

  it('takes the newest CD4 since the treatment, not before it', () => {
    const s = snapshot({ labs: labsByConcept(lab('lab:cd4', 0.1, '10*9/L', '2026-01-01'), lab('lab:cd4', 0.3, '10*9/L', '2026-03-01')) });
    expect(cd4Since(s, new Date('2026-02-01'), new Date('2026-11-22'))?.value).toBe(0.3);
    expect(cd4Since(s, new Date('2026-04-01'), new Date('2026-11-22'))).toBeUndefined();
  });
});

/** The fixture patients of this area, built by the real snapshot builder at the fixtures' reference date. */
describe('prophylaxis fixture patients', () => {
  const NOW = new Date('2026-11-22T10:00:00+01:00');
  const load = (file: string, drafts: unknown[] = []) =>
    fixtureSnapshot(file, NOW, drafts, {
      types: ['Patient', 'Condition', 'Observation', 'MedicationRequest', 'MedicationAdministration', 'MedicationStatement', 'Procedure', 'ServiceRequest'],
    });
  const draft = (file: string, id: string, atc: string, status = 'draft') => ({
    resourceType: 'MedicationRequest', id, status, intent: 'order', subject: { reference: `Patient/${file}` },
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: atc }] },
  });
  const codes = (rule: { evaluate: typeof vzvProphylaxis.evaluate }, file: string, hook: Hook, drafts: unknown[] = []) =>
    rule.evaluate(load(file, drafts), context(hook, NOW)).map((f) => `${f.outcome}:${f.variant}`);

  it('pat-pro-cart-no-prophylaxis: VZV (500 mg) and PJP cards on patient-view', () => {
    expect(codes(vzvProphylaxis, 'pat-pro-cart-no-prophylaxis', 'patient-view')).toEqual(['fired:car-t']);
    expect(codes(pjpProphylaxis, 'pat-pro-cart-no-prophylaxis', 'patient-view')).toEqual(['fired:car-t']);
  });

  it('pat-pro-len-no-asa: thromboprophylaxis card on a lenalidomide draft', () => {
    const f = 'pat-pro-len-no-asa';
    expect(codes(thromboprophylaxisImid, f, 'order-sign', [draft(f, 'pro2-draft-len', 'L04AX04')])).toEqual(['fired:missing']);
  });

  it('pat-pro-bispecific-no-cd4: PJP not-evaluable (CD4) on patient-view; stop of valaciclovir not-evaluable', () => {
    const f = 'pat-pro-bispecific-no-cd4';
    expect(codes(pjpProphylaxis, f, 'patient-view')).toEqual(['not-evaluable:cd4-missing']);
    expect(codes(vzvProphylaxis, f, 'patient-view')).toEqual([]);
    expect(codes(vzvProphylaxisStopCd4, f, 'order-sign', [draft(f, 'pro3-draft-stop', 'J05AB11', 'stopped')])).toEqual(['not-evaluable:default']);
  });

  it('existing patients: bortezomib without valaciclovir fires pi-cd38; dara-apheresis has both prophylaxes', () => {
    expect(codes(vzvProphylaxis, 'pat-bortezomib-no-valaciclovir', 'patient-view')).toEqual(['fired:pi-cd38']);
    expect(codes(vzvProphylaxis, 'pat-dara-apheresis', 'patient-view')).toEqual([]);
  });
  it('second round: IgG substitution, antifungal/G-CSF, CMV/HBV and CD38 premedication fixtures', () => {
    const tec = 'pat-pro2-tec-low-igg';
    expect(codes(ivigSubstitution, tec, 'patient-view')).toEqual(['fired:bcma-bispecific']);
    expect(codes(ivigSubstitution, tec, 'order-sign', [draft(tec, 'pro21-draft-tec', 'L01FX24')])).toEqual(['fired:bcma-bispecific-cycle']);
    expect(codes(ivigSubstitution, 'pat-pro2-elran-no-igg', 'patient-view')).toEqual(['not-evaluable:igg-missing']);
    expect(codes(ivigSubstitution, 'pat-pro-cart-no-prophylaxis', 'patient-view')).toEqual(['fired:car-t']);

    const cart = 'pat-pro2-cart-neutropenia';
    expect(codes(antifungalGcsfCartBispecific, cart, 'patient-view')).toEqual(['fired:fluconazole']);
    expect(codes(antifungalGcsfCartBispecific, cart, 'order-select', [draft(cart, 'pro23-draft-gcsf', 'L03AA02')])).toEqual(['fired:gcsf-early-car-t']);
    expect(codes(cmvHbvScreening, cart, 'patient-view')).toEqual(['fired:steroids-cmv']);
    expect(codes(ivigSubstitution, cart, 'patient-view')).toEqual([]);

    const start = 'pat-pro2-tec-start-antihbc';
    expect(codes(cmvHbvScreening, start, 'order-sign', [draft(start, 'pro24-draft-tec', 'L01FX24')])).toEqual(['fired:anti-hbc-positive']);
    expect(codes(cmvHbvScreening, 'pat-pro-cart-no-prophylaxis', 'order-sign', [draft('pat-pro-cart-no-prophylaxis', 'pro1-draft-tec', 'L01FX24')])).toEqual(['not-evaluable:hbv-unknown']);

    const dara = 'pat-pro2-dara-copd';
    expect(codes(premedCd38, dara, 'order-select', [draft(dara, 'pro25-draft-dara', 'L01FC01')])).toEqual(['fired:first-doses-montelukast']);
    expect(codes(premedCd38, dara, 'order-sign', [draft(dara, 'pro25-draft-dara', 'L01FC01'), ...['R06AE07', 'N02BE01', 'H02AB02', 'R03DC03'].map((atc, i) => draft(dara, `pro25-draft-pre${i}`, atc))])).toEqual([]);
  });
});
