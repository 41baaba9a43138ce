import { regimenDosePcd } from './regimen-dose-pcd.js';
import type { DraftOrder, Finding, Hook, MedicationEntry } from '../../types.js';
import { NOW, condition, context, daysFrom, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -900) });
const pom = { display: 'Pomalidomid', concepts: ['drug:pomalidomide', 'class:imid'] };
const cyc = { display: 'Cyklofosfamid', concepts: ['drug:cyclophosphamide'] };
const pomDraft = (mg: number) => draftOrder(pom, { dose: { value: mg, unit: 'mg' } });
const cycDraft = (mg: number) => draftOrder(cyc, { dose: { value: mg, unit: 'mg' } });

function run(drafts: DraftOrder[], medications: MedicationEntry[] = [], hook: Hook = 'order-sign'): Finding[] {
  return regimenDosePcd.evaluate(snapshot({ conditions: [mm], medications, draftOrders: drafts }), context(hook));
}

describe('regimen-dose-pcd', () => {
  it('pomalidomide 4 mg passes; 16 mg (4 ×) -> critical with one update to 4 mg; 3 mg -> warning (below)', () => {
    expect(run([pomDraft(4)])).toEqual([]);
    const f = run([pomDraft(16)]);
    expect(f[0]).toMatchObject({ variant: 'dose-high', indicator: 'critical', params: { regimen: 'Pd', seed: 4, ordered: 16, diff: 300 }, suggestions: [{ template: 'update-pomalidomide' }] });
    const { en, nb } = renderBoth(f, 'order-sign');
    expect(en[0]?.summary).toBe('Pomalidomid: ordered 16 mg, 300 % above the Pd dose 4 mg');
    expect(nb[0]?.summary).toBe('Pomalidomid: bestilt 16 mg, 300 % over Pd-dosen 4 mg');
    expect(en[0]?.suggestions?.[0]?.actions?.[0]).toMatchObject({ type: 'update', resource: { dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 4 } }] }] } });
    expect(run([pomDraft(3)])[0]).toMatchObject({ variant: 'dose-low', indicator: 'warning', params: { diff: 25 } });
  });

  it('boundaries: 4.2 mg (+5 %) passes, 4.21 mg warns; 6 mg (1.5 ×) warning, 6.01 mg critical', () => {
    expect(run([pomDraft(4.2)])).toEqual([]);
    expect(run([pomDraft(4.21)])[0]?.indicator).toBe('warning');
    expect(run([pomDraft(6)])[0]?.indicator).toBe('warning');
    expect(run([pomDraft(6.01)])[0]?.indicator).toBe('critical');
  });

  it('cyclophosphamide 400 mg PO with pomalidomide (PCd): 400 passes, 500 warns; without pomalidomide (e.g. mobilisation) -> no card', () => {
    const onPom = [medication(pom, { status: 'active' })];
    expect(run([cycDraft(400)], onPom)).toEqual([]);
    expect(run([cycDraft(500)], onPom)[0]).toMatchObject({ variant: 'dose-high', params: { regimen: 'PCd', diff: 25 }, suggestions: [{ template: 'update-cyclophosphamide' }] });
    expect(run([cycDraft(3800)])).toEqual([]);
  });

  it('no dose on the order -> MD-warn; order-select shows the regimen', () => {
    expect(run([draftOrder(pom)])[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'dose-unknown', indicator: 'warning' });
    const sel = run([pomDraft(16), cycDraft(400)], [], 'order-select');
    expect(sel.map((f) => f.variant)).toEqual(['regimen-pomalidomide', 'regimen-cyclophosphamide']);
    expect(renderBoth(sel, 'order-select').en.map((c) => c.summary)).toEqual([
      'PCd: pomalidomide 4 mg PO days 1–21 of 28-day cycles',
      'PCd: cyclophosphamide 400 mg PO days 1, 8, 15 of 28-day cycles',
    ]);
  });

  it('with belantamab (BPd) the regimen is named BPd and pomalidomide shown on days 1–21 and 29–49', () => {
    const bel = medication({ display: 'Belantamab mafodotin', concepts: ['drug:belantamab-mafodotin'] }, { status: 'active' });
    const sel = run([pomDraft(4)], [bel], 'order-select');
    expect(sel[0]).toMatchObject({ variant: 'regimen-pomalidomide-bpd', params: { regimen: 'BPd' } });
    expect(renderBoth(sel, 'order-select').en[0]?.summary).toBe('BPd: pomalidomide 4 mg PO days 1–21 and 29–49 of 56-day cycles');
  });

  it('outside myeloma scope -> no card', () => {
    expect(regimenDosePcd.evaluate(snapshot({ draftOrders: [pomDraft(16)] }), context('order-sign'))).toEqual([]);
  });
});
