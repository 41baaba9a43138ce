import { maintenanceLenalidomide } from './maintenance-lenalidomide.js';
import type { DraftOrder, Finding, Hook, MedicationEntry, ProcedureEntry } from '../../types.js';
import { NOW, condition, context, daysFrom, draftOrder, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -400) });
const hmasDaysAgo = (days: number): ProcedureEntry => procedure('proc:hsct', { date: daysFrom(NOW, -days) });
const len = (mg: number): DraftOrder => draftOrder('lenalidomide', { dose: { value: mg, unit: 'mg' } });

function run(draft: DraftOrder, procedures: ProcedureEntry[], hook: Hook = 'order-sign', medications: MedicationEntry[] = []): Finding[] {
  return maintenanceLenalidomide.evaluate(snapshot({ conditions: [mm], procedures, medications, draftOrders: [draft] }), context(hook));
}

describe('maintenance-lenalidomide', () => {
  it.each([
    [55, 'early'],
    [56, undefined],
    [98, undefined],
    [99, 'late'],
  ])('first maintenance order %p days after HMAS -> %s', (days, variant) => {
    const f = run(len(15), [hmasDaysAgo(days)]);
    if (variant === undefined) expect(f).toEqual([]);
    else expect(f[0]).toMatchObject({ variant, indicator: 'info', params: { days }, criteriaNotMet: ['start-8-14-weeks'] });
  });

  it('texts state the days and week after HMAS', () => {
    expect(renderBoth(run(len(15), [hmasDaysAgo(55)]), 'order-sign').en[0]?.summary).toBe(
      'Lenalidomide maintenance 55 days (week 7) after HMAS: the recommended start is 8–14 weeks after HMAS',
    );
  });

  it('dose: 15 mg and 10 mg (poor tolerance) pass; 25 mg is +67 % (> 1.5 ×) -> critical with update to 15 mg; 22.5 mg (1.5 ×) warning, 23 mg critical', () => {
    const h = [hmasDaysAgo(70)];
    expect(run(len(15), h)).toEqual([]);
    expect(run(len(10), h)).toEqual([]);
    const f = run(len(25), h);
    expect(f[0]).toMatchObject({ variant: 'dose-high', indicator: 'critical', params: { seed: 15, diff: 67 }, suggestions: [{ template: 'update-lenalidomide-15' }] });
    expect(renderBoth(f, 'order-sign').en[0]?.summary).toBe('Lenalidomid maintenance: ordered 25 mg, 67 % above the maintenance dose 15 mg (10 mg if poorly tolerated)');
    expect(run(len(22.5), h)[0]?.indicator).toBe('warning');
    expect(run(len(23), h)[0]?.indicator).toBe('critical');
    expect(run(len(5), h)[0]).toMatchObject({ variant: 'dose-low' });
  });

  it('only the first maintenance order is timed; a first order more than a year after HMAS is not maintenance', () => {
    const since = medication('lenalidomide', { status: 'active', date: daysFrom(NOW, -100) });
    expect(run(len(15), [hmasDaysAgo(200)], 'order-sign', [since])).toEqual([]);
    expect(run(len(15), [hmasDaysAgo(365)])[0]?.variant).toBe('late');
    expect(run(len(25), [hmasDaysAgo(366)])).toEqual([]);
  });

  it('order-select shows the maintenance regimen with the week; no HMAS -> no card; HMAS without date -> MD-info', () => {
    const sel = run(len(15), [hmasDaysAgo(63)], 'order-select');
    expect(renderBoth(sel, 'order-select').en[0]?.summary).toBe('Lenalidomide maintenance: start 8–14 weeks after HMAS (now week 9); 15 mg D1–21 q28d (10 mg if poorly tolerated)');
    expect(run(len(15), [])).toEqual([]);
    expect(run(len(15), [procedure('proc:hsct', { source: 'ServiceRequest', date: daysFrom(NOW, -70) })])).toEqual([]);
    const undated = run(len(15), [procedure('proc:hmas')]);
    expect(undated[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['hmas-date'], indicator: 'info' });
    expect(renderBoth(undated, 'order-sign').en[0]?.summary).toBe('Lenalidomid: HMAS date not found — the start 8–14 weeks after HMAS was not checked');
  });
});
