import { dexStopAfter12Months } from './dex-stop-after-12-months.js';
import type { Finding, MedicationEntry, ProcedureEntry } from '../../types.js';
import { NOW, condition, context, daysFrom, draftOrder, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -500) });
const dex = { display: 'Deksametason', concepts: ['drug:dexamethasone'] };
const onDara = [medication('daratumumab', { status: 'active' }), medication('lenalidomide', { status: 'active' })];
/** Weekly dexamethasone from `startDaysAgo` until a week ago. */
const course = (startDaysAgo: number): MedicationEntry[] =>
  Array.from({ length: Math.floor(startDaysAgo / 7) }, (_, i) => medication(dex, { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -(startDaysAgo - i * 7)), id: `dx${i}` }));

function run(administrations: MedicationEntry[], medications = onDara, procedures: ProcedureEntry[] = []): Finding[] {
  return dexStopAfter12Months.evaluate(
    snapshot({ conditions: [mm], medications, administrations, procedures, draftOrders: [draftOrder(dex, { dose: { value: 20, unit: 'mg' } })] }),
    context('order-sign'),
  );
}

describe('dex-stop-after-12-months', () => {
  it('continuous course: 364 days -> no card; 365 days -> info "low threshold to stop"', () => {
    expect(run(course(364))).toEqual([]);
    const f = run(course(365));
    expect(f[0]).toMatchObject({ variant: 'default', indicator: 'info', params: { months: 12 } });
    expect(renderBoth(f, 'order-sign').en[0]?.summary).toBe('Dexamethasone for 12 months in a continuous regimen: low threshold to stop after 12 months');
    expect(run(course(400))[0]?.params).toEqual({ months: 13 });
  });

  it('a gap of more than 42 days restarts the count; no administration -> no card', () => {
    const broken = [...course(400).filter((m) => (m.occurredAt?.getTime() ?? 0) < daysFrom(NOW, -200).getTime()), ...course(100)];
    expect(run(broken)).toEqual([]);
    expect(run([])).toEqual([]);
  });

  it('only in the continuous non-HMAS regimens: not without a CD38 antibody, not after HMAS', () => {
    expect(run(course(400), [medication('lenalidomide', { status: 'active' })])).toEqual([]);
    expect(run(course(400), onDara, [procedure('proc:hsct', { date: daysFrom(NOW, -600) })])).toEqual([]);
  });
});
