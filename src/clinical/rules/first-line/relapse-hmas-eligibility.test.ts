import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { HIGH_DOSE_FROM_MG_M2, relapseHmasEligibility as rule } from './relapse-hmas-eligibility.js';
import { coded, codedByConcept, condition, context, daysFrom, draftOrder, draftProcedure, lab, labsByConcept, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const MELPHALAN = { display: 'Melfalan', concepts: ['drug:melphalan'] };
const myeloma = condition('cond:multiple-myeloma', { onset: '2023-01-10', id: 'mm' });
const progression = coded('obs:myeloma-progression', ['answer:present'], '2026-11-01T08:00:00Z');
const hmas = procedure('proc:hmas', { date: '2023-08-01', id: 'hmas-1', display: 'HMAS' });
const mel = (dose?: { value: number; unit: string }) => draftOrder(MELPHALAN, { id: 'mel', ...(dose ? { dose } : {}) });

function snap(parts: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], codedObservations: codedByConcept(progression), draftOrders: [mel({ value: 200, unit: 'mg/m2' })], ...parts });
}
const run = (s: PatientSnapshot, hook: Hook = 'order-select'): Finding[] => rule.evaluate(s, context(hook, NOW));
const keys = (f: Finding[]): string[] => f.map((x) => `${x.outcome}:${x.variant}`);

describe('relapse-hmas-eligibility', () => {
  it('runs on order-select (information while the order is picked)', () => {
    expect(rule.hooks).toEqual(['order-select']);
    expect(rule.needs).toContain('procedures');
  });

  it('previous HMAS on record -> info: HMAS at relapse only without previous HMAS', () => {
    const findings = run(snap({ procedures: [hmas] }));
    expect(findings).toEqual([expect.objectContaining({ outcome: 'fired', variant: 'prior-hmas', subject: 'MedicationRequest/mel', params: { order: 'Melfalan', date: '2023-08-01' } })]);
  });

  it('no previous HMAS -> info: induction as for relapse, continued after HMAS (confirm none)', () => {
    expect(keys(run(snap()))).toEqual(['fired:no-prior-hmas']);
  });

  it('an HMAS ServiceRequest drafted at relapse counts like the melphalan order', () => {
    const f = run(snap({ draftOrders: [draftProcedure('proc:hmas', { id: 'hmas-req' })], procedures: [hmas] }));
    expect(f).toEqual([expect.objectContaining({ subject: 'ServiceRequest/hmas-req', variant: 'prior-hmas' })]);
  });

  it('a planned (not performed) HMAS or a cancelled one is no previous HMAS', () => {
    expect(keys(run(snap({ procedures: [procedure('proc:hmas', { source: 'ServiceRequest', date: '2023-08-01' })] })))).toEqual(['fired:no-prior-hmas']);
    expect(keys(run(snap({ procedures: [procedure('proc:hmas', { status: 'not-done', date: '2023-08-01' })] })))).toEqual(['fired:no-prior-hmas']);
    expect(keys(run(snap({ procedures: [procedure('proc:hsct', { date: '2023-08-01' })] })))).toEqual(['fired:prior-hmas']);
  });

  it.each([
    [{ value: HIGH_DOSE_FROM_MG_M2, unit: 'mg/m2' }, 1],
    [{ value: HIGH_DOSE_FROM_MG_M2 - 1, unit: 'mg/m2' }, 0],
    [{ value: 15, unit: 'mg' }, 0],
    [{ value: 140, unit: 'mg' }, 1],
  ])('high dose is >= 140 mg/m2 (a low-dose alkylator is not HMAS): %j -> %p card(s)', (dose, n) => {
    expect(run(snap({ draftOrders: [mel(dose)] }))).toHaveLength(n);
  });

  it('a dose in mg is read per m2 with a BSA of the last 14 days', () => {
    const bsa = (v: number) => labsByConcept(lab('lab:bsa', v, 'm2', daysFrom(NOW, -2)));
    expect(run(snap({ draftOrders: [mel({ value: 260, unit: 'mg' })], labs: bsa(1.9) }))).toHaveLength(0); // 136.8 mg/m2
    expect(run(snap({ draftOrders: [mel({ value: 270, unit: 'mg' })], labs: bsa(1.9) }))).toHaveLength(1); // 142.1 mg/m2
  });

  it('a melphalan order without a readable dose counts as high-dose', () => {
    expect(run(snap({ draftOrders: [mel()] }))).toHaveLength(1);
  });

  it('MD-scope: no progression documented (first-line HMAS), no myeloma, other orders or not in focus -> no card', () => {
    expect(run(snap({ codedObservations: {} }))).toEqual([]);
    expect(run(snap({ conditions: [] }))).toEqual([]);
    expect(run(snap({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snap({ draftOrders: [draftOrder(MELPHALAN, { inFocus: false, dose: { value: 200, unit: 'mg/m2' } })] }))).toEqual([]);
  });

  it('renders both variants in both languages as info', () => {
    const prior = renderBoth(run(snap({ procedures: [hmas] })), 'order-select');
    const none = renderBoth(run(snap()), 'order-select');
    expect([...prior.en, ...none.en].map((c) => c.indicator)).toEqual(['info', 'info']);
    expect(prior.en[0]?.summary).toBe('Melfalan at relapse: previous HMAS on record (2023-08-01); HMAS at relapse is recommended only without previous HMAS');
    expect(none.en[0]?.summary).toBe('Melfalan at relapse: no previous HMAS on record (confirm); induction as for relapse therapy, continued after HMAS');
    expect(none.nb[0]?.summary).toMatch(/^Melfalan ved tilbakefall: ingen tidligere HMAS registrert/);
  });
});
