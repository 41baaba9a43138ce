import type { Finding, MedicationEntry, PatientSnapshot } from '../../types.js';
import { line2Regimen as rule } from './line2-regimen.js';
import { coded, codedByConcept, condition, context, daysFrom, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const PROGRESSION = '2026-11-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2025-01-10', id: 'mm' });
const progression = coded('obs:myeloma-progression', ['answer:present'], PROGRESSION);
const given = (drug: 'lenalidomide' | 'daratumumab', first: string, lastDaysBeforeProgression: number): MedicationEntry[] => [
  medication(drug, { source: 'MedicationAdministration', occurredAt: first, id: `${drug}-first` }),
  medication(drug, { source: 'MedicationAdministration', occurredAt: daysFrom(PROGRESSION, -lastDaysBeforeProgression), id: `${drug}-last` }),
];
const BTZ = draftOrder('bortezomib', { id: 'btz' });

function snap(administrations: MedicationEntry[], parts: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], administrations, codedObservations: codedByConcept(progression), draftOrders: [BTZ], ...parts });
}
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('order-select', NOW));
const keys = (f: Finding[]): string[] => f.map((x) => `${x.outcome}:${x.variant}`);

describe('line2-regimen', () => {
  it('runs on order-select (options for the specialist)', () => {
    expect(rule.hooks).toEqual(['order-select']);
  });

  it.each([
    [60, ['fired:len-refractory']], // last lenalidomide dose 60 days before progression: refractory (inclusive)
    [61, ['fired:neither']], // 61 days: exposed, not refractory
  ])('lenalidomide stopped %p days before progression, CD38-naive -> %j', (days, expected) => {
    expect(keys(run(snap(given('lenalidomide', '2025-02-01', days))))).toEqual(expected);
  });

  it('refractory to both lenalidomide and CD38 antibody -> BVd', () => {
    expect(keys(run(snap([...given('lenalidomide', '2025-02-01', 10), ...given('daratumumab', '2025-02-01', 10)])))).toEqual(['fired:both-refractory']);
  });

  it('neither refractory (both exposed long ago) -> DRd or BPd (both alternatives)', () => {
    expect(keys(run(snap([...given('lenalidomide', '2025-02-01', 200), ...given('daratumumab', '2025-02-01', 200)])))).toEqual(['fired:neither']);
  });

  it('CD38-refractory but not lenalidomide-refractory is not a row of the seed -> full table', () => {
    const f = run(snap([...given('lenalidomide', '2025-02-01', 200), ...given('daratumumab', '2025-02-01', 10)]));
    expect(keys(f)).toEqual(['not-evaluable:cd38-only']);
  });

  it('refractoriness unknown (no stop date) -> not-evaluable with every alternative, naming the drug', () => {
    const undated = medication('lenalidomide', { source: 'MedicationStatement', status: 'completed', date: '2025-02-01', id: 'len-ms' });
    const f = run(snap([], { medications: [undated] }));
    expect(f).toEqual([expect.objectContaining({ outcome: 'not-evaluable', variant: 'default', missing: ['drug:lenalidomide'] })]);
    const { en } = renderBoth(f, 'order-select');
    expect(en[0]?.detail).toContain('1st choice BVd, 2nd choice Isa-Kd');
    expect(en[0]?.detail).toContain('DRd or BPd');
  });

  it('quiet without a documented relapse, past the second line, for melphalan, or with no draft in focus', () => {
    const len = given('lenalidomide', '2025-02-01', 10);
    expect(run(snap(len, { codedObservations: {} }))).toEqual([]);
    const kd = medication({ display: 'Karfilzomib', concepts: ['drug:carfilzomib', 'class:proteasome-inhibitor'] }, { source: 'MedicationAdministration', occurredAt: '2025-06-01', id: 'kd' });
    expect(run(snap([...len, kd]))).toEqual([]);
    expect(run(snap(len, { draftOrders: [draftOrder({ display: 'Melfalan', concepts: ['drug:melphalan'] })] }))).toEqual([]);
    expect(run(snap(len, { draftOrders: [draftOrder('bortezomib', { inFocus: false })] }))).toEqual([]);
    expect(run(snap(len, { conditions: [] }))).toEqual([]);
  });

  it('one card per order session (the first regimen drug in focus), info in both languages', () => {
    const f = run(snap(given('lenalidomide', '2025-02-01', 10), { draftOrders: [BTZ, draftOrder('daratumumab', { id: 'dara' })] }));
    expect(f).toHaveLength(1);
    expect(f[0]?.subject).toBe('MedicationRequest/btz');
    const { en, nb } = renderBoth(f, 'order-select');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.summary).toBe('2nd line (lenalidomide-refractory, not CD38-refractory): 1st choice BVd, 2nd choice Isa-Kd');
    expect(nb[0]?.summary).toBe('2. linje (lenalidomid-refraktær, ikke CD38-refraktær): 1. valg BVd, 2. valg Isa-Kd');
  });
});
