import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import { AGE_BELOW, alloSctEligibility as rule } from './allo-sct-eligibility.js';
import { coded, codedByConcept, condition, context, lab, labsByConcept, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const myeloma = condition('cond:multiple-myeloma', { onset: '2025-06-01', id: 'mm' });
const pcl = condition('cond:plasma-cell-leukaemia', { onset: '2025-06-01', id: 'pcl' });
const hmas = procedure('proc:hmas', { date: '2026-01-15', id: 'hmas-1', display: 'HMAS' });
const len = medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: '2026-03-01T09:00:00Z', id: 'len-1' });
const recorded = (at: string) => coded('obs:myeloma-progression', ['answer:present'], at);
const serum = (v: number, at: string): LabValue => lab('lab:mprotein', v, 'g/L', at);
/** 20 → 2 g/L after therapy start: VGPR (90 % reduction). */
const vgprLabs = [serum(20, '2026-02-25T08:00:00Z'), serum(2, '2026-10-01T08:00:00Z')];
/** 20 → 8 g/L: PR. */
const prLabs = [serum(20, '2026-02-25T08:00:00Z'), serum(8, '2026-10-01T08:00:00Z')];

function snap(parts: Partial<PatientSnapshot> & { age?: number; progressionAt?: string; labsList?: LabValue[] } = {}): PatientSnapshot {
  const { age = 50, progressionAt = '2026-05-01T08:00:00Z', labsList = vgprLabs, ...rest } = parts;
  return snapshot({
    ageYears: age,
    conditions: [myeloma],
    administrations: [len],
    procedures: [hmas],
    labs: labsByConcept(...labsList),
    codedObservations: codedByConcept(recorded(progressionAt)),
    ...rest,
  });
}
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('patient-view', NOW));
const keys = (f: Finding[]): string[] => f.map((x) => `${x.outcome}:${x.variant}`);

describe('allo-sct-eligibility', () => {
  it('runs on patient-view', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });

  it('all three criteria (C-22): age < 55, progression within 6 months after HMAS, >= VGPR -> info', () => {
    const f = run(snap());
    expect(f).toEqual([expect.objectContaining({ outcome: 'fired', variant: 'within-6-months', params: { age: 50, category: 'VGPR' } })]);
    expect(f[0]?.criteriaMet).toEqual(['age-below-55', 'aggressive-within-6-months', 'at-least-vgpr']);
  });

  it.each([
    [AGE_BELOW - 1, 1],
    [AGE_BELOW, 0],
  ])('age %p (must be < 55) -> %p card(s)', (age, n) => {
    expect(run(snap({ age }))).toHaveLength(n);
  });

  it.each([
    ['2026-07-15T08:00:00Z', ['fired:within-6-months']], // HMAS 2026-01-15 + 6 months, inclusive
    ['2026-07-16T08:00:00Z', []],
    ['2026-01-10T08:00:00Z', ['fired:before-hmas']],
  ])('progression on %s with HMAS on 2026-01-15 -> %j', (at, expected) => {
    expect(keys(run(snap({ progressionAt: at })))).toEqual(expected);
  });

  it('plasma cell leukaemia is aggressive disease without a progression', () => {
    const f = run(snap({ conditions: [pcl], codedObservations: {} }));
    expect(keys(f)).toEqual(['fired:pcl']);
  });

  it('response below VGPR (PR) -> criterion not met, no card', () => {
    expect(run(snap({ labsList: prLabs }))).toEqual([]);
  });

  it('response not known -> not-evaluable info naming it (MD-info)', () => {
    const f = run(snap({ labsList: [] }));
    expect(f).toEqual([expect.objectContaining({ outcome: 'not-evaluable', missing: ['response-vgpr'] })]);
  });

  it('progression but no dated HMAS on record, or no birth date -> not-evaluable naming what is missing', () => {
    expect(run(snap({ procedures: [] }))[0]?.missing).toEqual(['hmas-date']);
    expect(run(snap({ ageYears: undefined }))[0]?.missing).toEqual(['birth-date']);
  });

  it('MD-scope: no myeloma/PCL, untreated, no aggressive disease -> no card', () => {
    expect(run(snap({ conditions: [] }))).toEqual([]);
    expect(run(snap({ administrations: [] }))).toEqual([]);
    expect(run(snap({ codedObservations: {} }))).toEqual([]);
  });

  it('renders fired and not-evaluable in both languages as info with the response token', () => {
    const fired = renderBoth(run(snap()), 'patient-view');
    expect(fired.en[0]?.indicator).toBe('info');
    expect(fired.en[0]?.summary).toBe('Allogeneic SCT may be considered: age 50 (<55), progression ≤6 months after HMAS, VGPR — refer to national transplant group');
    expect(fired.nb[0]?.summary).toContain('VGPR');
    const open = renderBoth(run(snap({ labsList: [] })), 'patient-view');
    expect(open.en[0]?.summary).toBe('Allogeneic SCT: aggressive disease, criteria partly unknown — missing response (at least VGPR) on treatment');
  });
});
