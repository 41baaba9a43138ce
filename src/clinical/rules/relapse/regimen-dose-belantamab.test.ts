import { regimenDoseBelantamab } from './regimen-dose-belantamab.js';
import type { DraftOrder, Finding, Hook, LabValue, MedicationEntry } from '../../types.js';
import { NOW, condition, context, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -1200) });
const bel = { display: 'Belantamab mafodotin', concepts: ['drug:belantamab-mafodotin', 'class:bcma-directed'] };
const w70 = lab('lab:weight', 70, 'kg', daysFrom(NOW, -1));
const given = (daysAgo: number): MedicationEntry => medication(bel, { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -daysAgo), id: `b${daysAgo}` });
const draft = (value: number, unit = 'mg/kg'): DraftOrder => draftOrder(bel, { dose: { value, unit } });

function run(d: DraftOrder, opts: { labs?: LabValue[]; administrations?: MedicationEntry[] } = {}, hook: Hook = 'order-sign'): Finding[] {
  return regimenDoseBelantamab.evaluate(
    snapshot({ conditions: [mm], administrations: opts.administrations ?? [], labs: labsByConcept(...(opts.labs ?? [w70])), draftOrders: [d] }),
    context(hook),
  );
}

describe('regimen-dose-belantamab', () => {
  it('first dose: 2.5 mg/kg (175 mg at 70 kg) passes; 1.9 mg/kg is 24 % below -> warning with update to 2.5', () => {
    expect(run(draft(2.5))).toEqual([]);
    expect(run(draft(175, 'mg'))).toEqual([]);
    const f = run(draft(1.9));
    expect(f[0]).toMatchObject({ variant: 'dose-low', params: { seed: 2.5, diff: 24 }, suggestions: [{ template: 'update-first' }] });
    expect(renderBoth(f, 'order-sign').en[0]?.summary).toBe('Belantamab mafodotin: ordered 1.9 mg/kg = 1.9 mg/kg, 24 % below the expected 2.5 mg/kg');
  });

  it('later doses: 1.9 mg/kg or the 1.4 mg/kg step pass; 2.5 mg/kg is +32 % -> warning with update to 1.9', () => {
    const adm = { administrations: [given(56)] };
    expect(run(draft(1.9), adm)).toEqual([]);
    expect(run(draft(1.4), adm)).toEqual([]);
    expect(run(draft(2.5), adm)[0]).toMatchObject({ variant: 'dose-high', indicator: 'warning', params: { seed: 1.9, diff: 32 }, suggestions: [{ template: 'update-later' }] });
    expect(run(draft(2.86), adm)[0]?.indicator).toBe('critical');
    expect(run(draft(2.85), adm)[0]?.indicator).toBe('warning');
  });

  it('interval: 56 days after the last dose passes, 55 days -> too soon', () => {
    expect(run(draft(1.9), { administrations: [given(56)] })).toEqual([]);
    const f = run(draft(1.9), { administrations: [given(55)] });
    expect(f[0]).toMatchObject({ variant: 'too-soon', params: { since: 55, interval: 56 }, indicator: 'warning' });
    expect(renderBoth(f, 'order-sign').en[0]?.summary).toBe('Belantamab mafodotin 55 days after the last dose: given every 8 weeks (at least 56 days)');
  });

  it('a last dose more than 180 days ago starts again at 2.5 mg/kg; 180 days is still the running course', () => {
    expect(run(draft(2.5), { administrations: [given(181)] })).toEqual([]);
    expect(run(draft(2.5), { administrations: [given(180)] })[0]?.variant).toBe('dose-high');
  });

  it('weight missing -> MD-warn, order-select shows the schedule', () => {
    expect(run(draft(175, 'mg'), { labs: [] })[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'weight-missing', indicator: 'warning' });
    const sel = run(draft(1.9), { administrations: [given(60)] }, 'order-select');
    expect(renderBoth(sel, 'order-select').en[0]?.summary).toBe('Belantamab mafodotin: 1.9 mg/kg on day 1 every 8 weeks (60 days since the last); 1.4 mg/kg if eye symptoms');
    expect(renderBoth(run(draft(1.9), {}, 'order-select'), 'order-select').en[0]?.summary).toContain('cycle 1 day 1: 2.5 mg/kg');
  });
});
