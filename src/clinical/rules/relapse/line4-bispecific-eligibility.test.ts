import type { Finding, MedicationEntry, PatientSnapshot } from '../../types.js';
import { line4BispecificEligibility as rule } from './line4-bispecific-eligibility.js';
import { coded, codedByConcept, condition, context, daysFrom, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const PROGRESSION = '2026-11-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2023-01-10', id: 'mm' });
const progression = coded('obs:myeloma-progression', ['answer:present'], PROGRESSION);
const given = (id: string, display: string, concepts: string[], at: Date | string = '2025-06-01'): MedicationEntry =>
  medication({ display, concepts }, { source: 'MedicationAdministration', occurredAt: at, id });
const LEN = given('len', 'Lenalidomid', ['drug:lenalidomide', 'class:imid']);
const BTZ = given('btz', 'Bortezomib', ['drug:bortezomib', 'class:proteasome-inhibitor']);
const DARA = given('dara', 'Daratumumab', ['drug:daratumumab', 'class:cd38-antibody']);
const TEC = draftOrder({ display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bispecific', 'class:bcma-directed'] }, { id: 'tec' });

function snap(administrations: MedicationEntry[], parts: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], administrations, codedObservations: codedByConcept(progression), draftOrders: [TEC], ...parts });
}
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('order-select', NOW));
const keys = (f: Finding[]): string[] => f.map((x) => `${x.outcome}:${x.variant}:${x.indicator ?? ''}`);

describe('line4-bispecific-eligibility', () => {
  it('runs on order-select for teclistamab, elranatamab and talquetamab', () => {
    expect(rule.hooks).toEqual(['order-select']);
  });

  it('triple-class exposed (IMiD + PI + CD38) -> info, eligible', () => {
    expect(keys(run(snap([LEN, BTZ, DARA])))).toEqual(['fired:triple-class-exposed:info']);
  });

  it.each([
    [[BTZ, DARA], 'exposed-imid'],
    [[LEN, DARA], 'exposed-pi'],
    [[LEN, BTZ], 'exposed-cd38'],
  ])('one class missing -> warning naming it (%#)', (adm, missingClass) => {
    const f = run(snap(adm));
    expect(keys(f)).toEqual(['fired:not-met:warning']);
    expect(f[0]?.criteriaNotMet).toEqual([missingClass]);
  });

  it('refractory to CD38 antibody, carfilzomib and pomalidomide (last dose <= 60 days before PD) -> eligible (always triple-class exposed; the line count is not known)', () => {
    const last = daysFrom(PROGRESSION, -60);
    const kfz = given('kfz', 'Karfilzomib', ['drug:carfilzomib', 'class:proteasome-inhibitor'], last);
    const pom = given('pom', 'Pomalidomid', ['drug:pomalidomide', 'class:imid'], last);
    const isa = given('isa', 'Isatuksimab', ['drug:isatuximab', 'class:cd38-antibody'], last);
    expect(keys(run(snap([kfz, pom, isa])))).toEqual(['fired:triple-class-exposed:info']);
  });

  it('no anti-myeloma history -> warning: exposure history incomplete', () => {
    const f = run(snap([]));
    expect(keys(f)).toEqual(['not-evaluable:default:warning']);
  });

  it('MD-scope: no bispecific draft in focus, no myeloma -> no card', () => {
    expect(run(snap([LEN, BTZ, DARA], { draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snap([LEN, BTZ, DARA], { draftOrders: [{ ...TEC, inFocus: false }] }))).toEqual([]);
    expect(run(snap([LEN, BTZ, DARA], { conditions: [] }))).toEqual([]);
  });

  it('renders in both languages', () => {
    const ok = renderBoth(run(snap([LEN, BTZ, DARA])), 'order-select');
    expect(ok.en[0]?.summary).toBe('Teklistamab: eligible — triple-class exposed (immunomodulator, proteasome inhibitor and CD38 antibody)');
    const not = renderBoth(run(snap([BTZ, DARA])), 'order-select');
    expect(not.en[0]?.indicator).toBe('warning');
    expect(not.nb[0]?.summary).toMatch(/^Teklistamab: kriteriene for bispesifikt antistoff er ikke oppfylt/);
  });
});
