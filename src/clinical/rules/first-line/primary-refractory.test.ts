import type { Finding, PatientSnapshot } from '../../types.js';
import { CYCLE_DAYS, HMAS_PATHWAY_AGE_BELOW, cycleOf, primaryRefractory as rule } from './primary-refractory.js';
import { coded, codedByConcept, condition, context, daysFrom, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const START = '2026-03-01T09:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2026-02-20', id: 'mm' });
const btz = medication('bortezomib', { source: 'MedicationAdministration', occurredAt: START, id: 'btz-1' });
const progressionOnDay = (day: number) => coded('obs:myeloma-progression', ['answer:present'], daysFrom(START, day));

function snap(day = 40, parts: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ ageYears: 60, conditions: [myeloma], administrations: [btz], codedObservations: codedByConcept(progressionOnDay(day)), ...parts });
}
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('patient-view', NOW));
const keys = (f: Finding[]): string[] => f.map((x) => `${x.outcome}:${x.variant}`);

describe('primary-refractory', () => {
  it('runs on patient-view', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });

  it('counts 28-day induction cycles from the first dose', () => {
    expect(CYCLE_DAYS).toBe(28);
    expect(cycleOf(new Date(START), daysFrom(START, 0))).toBe(1);
    expect(cycleOf(new Date(START), daysFrom(START, 27))).toBe(1);
    expect(cycleOf(new Date(START), daysFrom(START, 28))).toBe(2);
  });

  it.each([
    [0, ['fired:early'], 1],
    [83, ['fired:early'], 3], // last day of cycle 3
    [84, ['fired:late'], 4], // first day of cycle 4 (C-23 proposal)
    [167, ['fired:late'], 6], // last day of cycle 6
    [168, [], undefined], // cycle 7: no longer induction
  ])('progression on day %p of induction -> %j (cycle %p)', (day, expected, cycle) => {
    const f = run(snap(day));
    expect(keys(f)).toEqual(expected);
    if (cycle !== undefined) expect(f[0]?.params).toEqual({ cycle });
  });

  it.each([
    [HMAS_PATHWAY_AGE_BELOW - 1, 1],
    [HMAS_PATHWAY_AGE_BELOW, 0],
  ])('HMAS pathway is age < 70: age %p -> %p card(s)', (age, n) => {
    expect(run(snap(40, { ageYears: age }))).toHaveLength(n);
  });

  it('after HMAS, or once a new drug was started after the progression, there is nothing to act on', () => {
    expect(run(snap(40, { procedures: [procedure('proc:hmas', { date: '2026-08-01' })] }))).toEqual([]);
    const kd = medication('carfilzomib', { source: 'MedicationAdministration', occurredAt: daysFrom(START, 45), id: 'kd-1' });
    expect(run(snap(40, { administrations: [btz, kd] }))).toEqual([]);
    const sameDay = medication('carfilzomib', { source: 'MedicationAdministration', occurredAt: daysFrom(START, 40), id: 'kd-0' });
    expect(run(snap(40, { administrations: [btz, sameDay] }))).toHaveLength(1);
  });

  it('first dose not dated -> not-evaluable warning showing all three branches', () => {
    const undated = medication('bortezomib', { source: 'MedicationStatement', status: 'active', id: 'btz-ms' });
    const f = run(snap(40, { administrations: [], medications: [undated] }));
    expect(f).toEqual([expect.objectContaining({ outcome: 'not-evaluable', missing: ['induction-start'] })]);
    const { en } = renderBoth(f, 'patient-view');
    expect(en[0]?.indicator).toBe('warning');
    expect(en[0]?.detail).toContain('complete 6 cycles of induction');
  });

  it('MD-scope: no myeloma, untreated, no progression, age unknown -> no card', () => {
    expect(run(snap(40, { conditions: [] }))).toEqual([]);
    expect(run(snap(40, { administrations: [] }))).toEqual([]);
    expect(run(snap(40, { codedObservations: {} }))).toEqual([]);
    expect(run(snap(40, { ageYears: undefined }))).toEqual([]);
  });

  it('renders early and late as warnings in both languages', () => {
    const early = renderBoth(run(snap(40)), 'patient-view');
    const late = renderBoth(run(snap(100)), 'patient-view');
    expect([early.en[0]?.indicator, late.en[0]?.indicator]).toEqual(['warning', 'warning']);
    expect(early.en[0]?.summary).toBe('Primary refractory: PD in induction cycle 2 (early) — switch induction therapy and involve an expert');
    expect(late.en[0]?.summary).toBe('Primary refractory: PD in induction cycle 4 (late) — proceed rapidly to HMAS');
    expect(late.nb[0]?.summary).toBe('Primært refraktær: PD i induksjonssyklus 4 (sent) — gå raskt til HMAS');
  });
});
