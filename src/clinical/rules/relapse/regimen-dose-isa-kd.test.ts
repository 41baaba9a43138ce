import { regimenDoseIsaKd } from './regimen-dose-isa-kd.js';
import type { DraftOrder, Finding, Hook, LabValue, MedicationEntry } from '../../types.js';
import { NOW, condition, context, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -900) });
const isa = { display: 'Isatuximab', concepts: ['drug:isatuximab', 'class:cd38-antibody'] };
const kfz = { display: 'Karfilzomib', concepts: ['drug:carfilzomib', 'class:proteasome-inhibitor'] };
const isaOnRecord = medication(isa, { status: 'active', date: daysFrom(NOW, -1) });
const D = daysFrom(NOW, -1);
const bsa19 = lab('lab:bsa', 1.9, 'm2', D);
const w80 = lab('lab:weight', 80, 'kg', D);
const given = (drug: typeof isa, daysAgo: number, id: string): MedicationEntry =>
  medication(drug, { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -daysAgo), id });
const carfilzomib = (value: number, unit = 'mg/m2'): DraftOrder => draftOrder(kfz, { dose: { value, unit } });

function run(draft: DraftOrder, opts: { labs?: LabValue[]; administrations?: MedicationEntry[]; medications?: MedicationEntry[] } = {}, hook: Hook = 'order-sign'): Finding[] {
  return regimenDoseIsaKd.evaluate(
    snapshot({
      conditions: [mm],
      medications: opts.medications ?? [isaOnRecord],
      administrations: opts.administrations ?? [],
      labs: labsByConcept(...(opts.labs ?? [bsa19, w80])),
      draftOrders: [draft],
    }),
    context(hook),
  );
}

describe('regimen-dose-isa-kd', () => {
  it('carfilzomib cycle 1 day 1 (no earlier dose): 20 mg/m² (38 mg at BSA 1.9) passes; 70 mg/m² is 3.5 × -> critical with one update to 20', () => {
    expect(run(carfilzomib(20))).toEqual([]);
    expect(run(carfilzomib(38, 'mg'))).toEqual([]);
    const f = run(carfilzomib(70));
    expect(f[0]).toMatchObject({ variant: 'dose-high', indicator: 'critical', params: { cycle: 1, day: 1, seed: 20, diff: 250 }, suggestions: [{ template: 'update-carfilzomib-20' }] });
    const { en } = renderBoth(f, 'order-sign');
    expect(en[0]?.summary).toBe('Karfilzomib C1D1: ordered 70 mg/m² = 70 mg/m², 250 % above the Isa-Kd dose 20 mg/m²');
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 20, code: 'mg/m2' } }] }] });
  });

  it('carfilzomib cycle 1 day 8: 70 mg/m² (133 mg at BSA 1.9) passes; 20 mg/m² is 71 % below -> warning with update to 70', () => {
    const adm = { administrations: [given(kfz, 7, 'k1'), given(isa, 7, 'i1')] };
    expect(run(carfilzomib(70), adm)).toEqual([]);
    expect(run(carfilzomib(133, 'mg'), adm)).toEqual([]);
    const f = run(carfilzomib(20), adm);
    expect(f[0]).toMatchObject({ variant: 'dose-low', indicator: 'warning', params: { cycle: 1, day: 8, seed: 70, diff: 71 }, suggestions: [{ template: 'update-carfilzomib-70' }] });
  });

  it('critical boundary against 70 mg/m²: 105 mg/m² (1.5 ×) -> warning, 105.1 mg/m² -> critical', () => {
    const adm = { administrations: [given(kfz, 7, 'k1')] };
    expect(run(carfilzomib(105), adm)[0]?.indicator).toBe('warning');
    expect(run(carfilzomib(105.1), adm)[0]?.indicator).toBe('critical');
  });

  it('isatuximab 10 mg/kg: 800 mg at 80 kg passes, 840 mg (+5 %) passes, 841 mg is a deviation; no weight -> MD-warn', () => {
    const isaDraft = (mg: number) => draftOrder(isa, { dose: { value: mg, unit: 'mg' } });
    const meds = { medications: [medication(kfz, { status: 'active' })] };
    expect(run(isaDraft(800), meds)).toEqual([]);
    expect(run(isaDraft(840), meds)).toEqual([]);
    expect(run(isaDraft(841), meds)[0]).toMatchObject({ variant: 'dose-high', suggestions: [{ template: 'update-isatuximab' }] });
    expect(run(isaDraft(800), { ...meds, labs: [bsa19] })[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'weight-missing', indicator: 'warning' });
  });

  it('carfilzomib in mg without BSA -> one MD-warn card, no dose guessed', () => {
    const f = run(carfilzomib(40, 'mg'), { labs: [w80] });
    expect(f).toEqual([expect.objectContaining({ outcome: 'not-evaluable', variant: 'bsa-missing', missing: ['lab:bsa'] })]);
    expect(renderBoth(f, 'order-sign').en[0]?.indicator).toBe('warning');
  });

  it('order-select shows the step-up as the seed gives it', () => {
    const first = run(carfilzomib(70), {}, 'order-select');
    expect(first[0]).toMatchObject({ variant: 'regimen-carfilzomib-20', indicator: 'info' });
    expect(renderBoth(first, 'order-select').en[0]?.summary).toContain('cycle 1 day 1: carfilzomib 20 mg/m² IV');
    const later = run(carfilzomib(70), { administrations: [given(kfz, 7, 'k1')] }, 'order-select');
    expect(renderBoth(later, 'order-select').en[0]?.summary).toContain('Isa-Kd cycle 1 day 8: carfilzomib 70 mg/m² IV');
  });

  it('silent without isatuximab (not Isa-Kd) or outside myeloma scope', () => {
    expect(run(carfilzomib(70), { medications: [] })).toEqual([]);
    expect(regimenDoseIsaKd.evaluate(snapshot({ medications: [isaOnRecord], draftOrders: [carfilzomib(70)] }), context('order-sign'))).toEqual([]);
  });
});
