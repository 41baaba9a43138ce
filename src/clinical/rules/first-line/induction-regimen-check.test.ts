import { COMPONENTS, inductionRegimenCheck, seedInterval } from './induction-regimen-check.js';
import type { DraftOrder, Finding, Hook, LabValue, MedicationEntry } from '../../types.js';
import {
  NOW,
  condition,
  context,
  daysFrom,
  draftOrder,
  lab,
  labsByConcept,
  medication,
  procedure,
  snapshot,
} from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -60) });
const isa = { display: 'Isatuximab', concepts: ['drug:isatuximab', 'class:cd38-antibody'] };
const carfilzomib = { display: 'Karfilzomib', concepts: ['drug:carfilzomib', 'class:proteasome-inhibitor'] };
const len = medication('lenalidomide', { status: 'active', date: daysFrom(NOW, -30) });
const D = daysFrom(NOW, -2);
const vOnRecord = medication('bortezomib', { status: 'active', date: daysFrom(NOW, -30) });
const bsa = (v: number, when: Date = D): LabValue => lab('lab:bsa', v, 'm2', when);
const weight = (v: number, when: Date = D): LabValue => lab('lab:weight', v, 'kg', when);
const given = (drug: Parameters<typeof medication>[0], daysAgo: number, id: string): MedicationEntry =>
  medication(drug, { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -daysAgo), id });

function run(
  draft: DraftOrder,
  opts: { labs?: LabValue[]; administrations?: MedicationEntry[]; medications?: MedicationEntry[]; procedures?: ReturnType<typeof procedure>[] } = {},
  hook: Hook = 'order-sign',
): Finding[] {
  const s = snapshot({
    conditions: [mm],
    medications: opts.medications ?? [len],
    administrations: opts.administrations ?? [],
    procedures: opts.procedures ?? [],
    labs: labsByConcept(...(opts.labs ?? [])),
    draftOrders: [draft],
  });
  return inductionRegimenCheck.evaluate(s, context(hook));
}
const bortezomib = (value: number, unit = 'mg') => draftOrder('bortezomib', { dose: { value, unit } });

describe('induction-regimen-check: doses after unit conversion', () => {
  it('bortezomib 1.3 mg/m² at BSA 1.9 m²: ordered as 1.3 mg/m² or as 2.47 mg -> no card', () => {
    expect(run(bortezomib(1.3, 'mg/m²'), { labs: [bsa(1.9)] })).toEqual([]);
    expect(run(bortezomib(1.3, 'mg/m2'), { labs: [] })).toEqual([]);
    expect(run(bortezomib(2.47), { labs: [bsa(1.9)] })).toEqual([]);
  });

  it('±5 % tolerance: 1.365 and 1.235 mg/m² pass; 1.366 and 1.234 mg/m² are deviations', () => {
    expect(run(bortezomib(1.365, 'mg/m2'))).toEqual([]);
    expect(run(bortezomib(1.235, 'mg/m2'))).toEqual([]);
    expect(run(bortezomib(1.366, 'mg/m2'))[0]).toMatchObject({ variant: 'dose-high', indicator: 'warning' });
    expect(run(bortezomib(1.234, 'mg/m2'))[0]).toMatchObject({ variant: 'dose-low', indicator: 'warning' });
  });

  it('3.5 mg at BSA 1.9 m² = 1.84 mg/m² (+42 %) -> warning stating seed, ordered and difference, with one update to 1.3 mg/m²', () => {
    const f = run(bortezomib(3.5), { labs: [bsa(1.9)] });
    expect(f[0]).toMatchObject({
      outcome: 'fired',
      variant: 'dose-high',
      indicator: 'warning',
      params: { seed: 1.3, ordered: 3.5, orderedUnit: 'mg', inSeedUnit: 1.84, seedUnit: 'mg/m²', diff: 42, regimen: 'VRd' },
      suggestions: [{ template: 'update-bortezomib', targetRef: 'MedicationRequest/draft-bortezomib' }],
    });
    const { en, nb } = renderBoth(f, 'order-sign');
    expect(en[0]?.summary).toBe('Bortezomib: ordered 3.5 mg = 1.84 mg/m², 42 % above the VRd dose 1.3 mg/m²');
    expect(nb[0]?.summary).toBe('Bortezomib: bestilt 3,5 mg = 1,84 mg/m², 42 % over dosen 1,3 mg/m² i VRd');
    expect(en[0]?.suggestions).toHaveLength(1);
    expect(en[0]?.suggestions?.[0]?.actions?.[0]).toMatchObject({
      type: 'update',
      resource: { id: 'draft-bortezomib', dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 1.3, code: 'mg/m2' } }] }] },
    });
    expect(en[0]?.detail).toContain('Guideline dose: 1.3 mg/m²');
    expect(en[0]?.source.url).toBe('http://cds.test/sources/003#induksjonsbehandlingen');
  });

  it('critical above 1.5 × the seed dose: 1.95 mg/m² -> warning, 1.96 mg/m² -> critical', () => {
    expect(run(bortezomib(1.95, 'mg/m2'))[0]?.indicator).toBe('warning');
    expect(run(bortezomib(1.96, 'mg/m2'))[0]?.indicator).toBe('critical');
    expect(renderBoth(run(bortezomib(1.96, 'mg/m2')), 'order-sign').en[0]?.indicator).toBe('critical');
  });

  it('BSA from height and weight (Mosteller, proposal): 180 cm, 72 kg -> 1.9 m²; 2.47 mg passes', () => {
    const labs = [lab('lab:height', 180, 'cm', daysFrom(NOW, -400)), weight(72)];
    expect(run(bortezomib(2.47), { labs })).toEqual([]);
    expect(run(bortezomib(3.5), { labs })[0]?.values).toEqual(
      expect.arrayContaining([expect.objectContaining({ concept: 'bsa-mosteller', value: 1.9, unit: 'm2' })]),
    );
  });

  it('BSA 14 days old counts; 15 days old is missing -> one MD-warn card, never a guessed dose', () => {
    expect(run(bortezomib(2.47), { labs: [bsa(1.9, daysFrom(NOW, -14))] })).toEqual([]);
    const f = run(bortezomib(2.47), { labs: [bsa(1.9, daysFrom(NOW, -15))] });
    expect(f).toEqual([expect.objectContaining({ outcome: 'not-evaluable', variant: 'bsa-missing', missing: ['lab:bsa'], indicator: 'warning' })]);
    expect(renderBoth(f, 'order-sign').en[0]?.summary).toBe('Bortezomib: no BSA (or height and weight) from the last 14 days — the mg/m² dose cannot be checked');
  });

  it('isatuximab 10 mg/kg: 800 mg at 80 kg passes, 1000 mg is +25 %; no weight -> weight-missing', () => {
    const draft = (mg: number) => draftOrder(isa, { dose: { value: mg, unit: 'mg' } });
    expect(run(draft(800), { labs: [weight(80)] })).toEqual([]);
    expect(run(draft(1000), { labs: [weight(80)] })[0]).toMatchObject({ variant: 'dose-high', params: { diff: 25, regimen: 'Isa-VRd' } });
    expect(run(draft(800))[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'weight-missing', missing: ['lab:weight'] });
    expect(run(draftOrder(isa, { dose: { value: 10, unit: 'mg/kg' } }))).toEqual([]);
  });

  it('daratumumab 1800 mg flat: 1800 passes, 1600 is −11 % (dose-low); no dose -> dose-unknown', () => {
    const dara = (mg: number) => draftOrder('daratumumab', { dose: { value: mg, unit: 'mg' } });
    expect(run(dara(1800))).toEqual([]);
    expect(run(dara(1600), { medications: [len, vOnRecord] })[0]).toMatchObject({ variant: 'dose-low', params: { diff: 11, regimen: 'Dara-VRd' } });
    expect(run(draftOrder('daratumumab'))[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'dose-unknown' });
  });
});

describe('induction-regimen-check: schedule', () => {
  const dara = () => draftOrder('daratumumab', { dose: { value: 1800, unit: 'mg' } });
  it('seed spacing: weekly in cycles 1–2, two-weekly in 3–6, four-weekly from 7', () => {
    expect(seedInterval(COMPONENTS.daratumumab.days(1), 8, [], COMPONENTS.daratumumab.days(2))).toBe(7);
    expect(seedInterval(COMPONENTS.daratumumab.days(1), 6, [], COMPONENTS.daratumumab.days(2))).toBe(7);
    expect(seedInterval(COMPONENTS.daratumumab.days(3), 1, COMPONENTS.daratumumab.days(2), COMPONENTS.daratumumab.days(4))).toBe(7);
    expect(seedInterval(COMPONENTS.daratumumab.days(4), 15, COMPONENTS.daratumumab.days(3), COMPONENTS.daratumumab.days(5))).toBe(14);
    expect(seedInterval(COMPONENTS.daratumumab.days(8), 1, COMPONENTS.daratumumab.days(7), COMPONENTS.daratumumab.days(9))).toBe(28);
  });

  it('daratumumab in cycle 1: 6 days after the last dose passes (one day of leeway), 5 days -> too soon', () => {
    expect(run(dara(), { administrations: [given('daratumumab', 6, 'd1')] })).toEqual([]);
    const f = run(dara(), { administrations: [given('daratumumab', 5, 'd1')], medications: [len, vOnRecord] });
    expect(f[0]).toMatchObject({ variant: 'too-soon', params: { since: 5, interval: 7, cycle: 1, day: 6 }, criteriaNotMet: ['interval-as-seed'] });
    expect(renderBoth(f, 'order-sign').en[0]?.summary).toBe('Daratumumab 5 days after the last dose: Dara-VRd cycle 1 gives it 7 days apart');
  });

  it('daratumumab in cycle 3 (days 1, 15): 13 days after the last dose passes, 12 days -> too soon', () => {
    const course = [given('daratumumab', 70, 'a'), given('daratumumab', 56, 'b'), given('daratumumab', 42, 'c'), given('daratumumab', 28, 'd')];
    expect(run(dara(), { administrations: [...course, given('daratumumab', 13, 'e')] })).toEqual([]);
    expect(run(dara(), { administrations: [...course, given('daratumumab', 12, 'e')] })[0]).toMatchObject({ variant: 'too-soon', params: { interval: 14, cycle: 3 } });
  });

  it('bortezomib stops after cycle 8 (non-HMAS): cycle 8 passes, cycle 9 -> warning', () => {
    const course = (days: number) => Array.from({ length: Math.floor(days / 14) - 1 }, (_, i) => given('bortezomib', days - i * 14, `v${i}`));
    // Course started 196 days ago: today is cycle 8 day 1; 224 days ago: cycle 9 day 1.
    expect(run(bortezomib(1.3, 'mg/m2'), { administrations: course(196) })).toEqual([]);
    const f = run(bortezomib(1.3, 'mg/m2'), { administrations: course(224) });
    expect(f[0]).toMatchObject({ variant: 'bortezomib-after-cycle-8', params: { cycle: 9, day: 1 }, suggestions: [] });
    expect(renderBoth(f, 'order-sign').en[0]?.summary).toBe('Bortezomib in cycle 9: VRd without HMAS gives bortezomib in cycles 1–8 only');
  });

  it('a gap of more than 42 days starts a new course (cycle 1)', () => {
    const f = run(dara(), { administrations: [given('daratumumab', 200, 'old'), given('daratumumab', 5, 'new')] });
    expect(f[0]).toMatchObject({ params: { cycle: 1, day: 6 } });
  });
});

describe('induction-regimen-check: scope and hooks', () => {
  it('order-select shows the component as the seed gives it (info), whatever the dose', () => {
    const f = run(bortezomib(3.5), { labs: [bsa(1.9)] }, 'order-select');
    expect(f[0]).toMatchObject({ variant: 'regimen-bortezomib', indicator: 'info' });
    const { en } = renderBoth(f, 'order-select');
    expect(en[0]?.summary).toBe('VRd: bortezomib 1.3 mg/m² SC days 1, 8, 15 of 28-day cycles (6 before HMAS; without HMAS cycles 1–8)');
    expect(renderBoth(run(draftOrder('daratumumab'), {}, 'order-select'), 'order-select').en[0]?.summary).toContain('DRd: daratumumab 1800 mg SC');
  });

  it('silent outside first-line induction: no lenalidomide, a later-line drug, or HMAS done', () => {
    expect(run(bortezomib(3.5), { medications: [] })).toEqual([]);
    expect(run(bortezomib(3.5), { medications: [len, medication(carfilzomib, { status: 'active' })] })).toEqual([]);
    expect(run(bortezomib(3.5), { procedures: [procedure('proc:hsct', { date: daysFrom(NOW, -100) })] })).toEqual([]);
    expect(run(bortezomib(3.5), { procedures: [procedure('proc:hsct', { source: 'ServiceRequest', date: daysFrom(NOW, 30) })] })).toHaveLength(1);
  });
});
