import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { assessProgression, progressionBiochemical } from './progression-biochemical.js';
import { renderBoth } from '../support/render.test-support.js';
import { condition, context, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const BEFORE = '2026-02-25T08:00:00Z';
const START = '2026-03-01T09:00:00Z';
const MID = '2026-07-01T08:00:00Z';
const LATER = '2026-10-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2026-02-20', id: 'mm' });
const len = medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: START, id: 'len-1' });

const serum = (v: number, at: string) => lab('lab:mprotein', v, 'g/L', at);
const urine = (v: number, at: string) => lab('lab:mprotein-urine-24h', v, 'mg/(24.h)', at);
const kappa = (v: number, at: string) => lab('lab:flc-kappa', v, 'mg/L', at);
const lambda = (v: number, at: string) => lab('lab:flc-lambda', v, 'mg/L', at);
const bmpc = (v: number, at: string) => lab('lab:bmpc', v, '%', at);

function snap(labs: LabValue[], extra: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], administrations: [len], labs: labsByConcept(...labs), ...extra });
}
const run = (s: PatientSnapshot, hook: 'patient-view' | 'order-select' = 'patient-view'): Finding[] => progressionBiochemical.evaluate(s, context(hook, NOW));
const pd = (s: PatientSnapshot) => assessProgression(s, NOW).pd;

describe('progression-biochemical', () => {
  it('declares hooks and needs', () => {
    expect(progressionBiochemical.hooks).toEqual(['patient-view', 'order-select']);
    expect(progressionBiochemical.needs).toContain('observations');
  });

  describe('serum M: ≥ 25 % and ≥ 5 g/L absolute from the nadir', () => {
    it.each([
      [10, 15, true], // +5 g/L, +50 %
      [10, 14.99, false], // +4.99 g/L
      [30, 37.5, true], // +25 %, +7.5 g/L
      [30, 37.49, false], // +24.97 %
      [0, 5, true], // from 0: the absolute minimum decides
      [0, 4.9, false],
    ])('nadir %p → %p g/L → PD %p', (nadir, latest, expected) => {
      expect(pd(snap([serum(40, BEFORE), serum(nadir, MID), serum(latest, LATER)]))).toBe(expected);
    });

    it('uses the nadir, not the baseline, as reference (C-13), and says which', () => {
      const f = run(snap([serum(40, BEFORE), serum(10, MID), serum(16, LATER)]));
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ outcome: 'fired', variant: 'serum-m', params: { from: 10, to: 16, reference: 'nadir' }, criteriaMet: ['serum-m-pd'] });
      const fromBaseline = run(snap([serum(20, BEFORE), serum(26, LATER)]));
      expect(fromBaseline[0]?.params.reference).toBe('baseline');
    });
  });

  describe('urine M: ≥ 25 % and ≥ 200 mg/24 h absolute', () => {
    it.each([
      [800, 1000, true],
      [800, 999.9, false],
      [100, 300, true],
      [100, 299.9, false],
    ])('%p → %p mg/24h → PD %p', (ref, latest, expected) => {
      expect(pd(snap([urine(ref, BEFORE), urine(latest, LATER)]))).toBe(expected);
    });
  });

  describe('dFLC only without measurable serum/urine M: ≥ 25 % and > 100 mg/L', () => {
    const flc = (dBase: number, dLatest: number, serumBase = 4) => [
      serum(serumBase, BEFORE),
      serum(serumBase, LATER),
      kappa(10, BEFORE),
      lambda(10 + dBase, BEFORE),
      kappa(10, LATER),
      lambda(10 + dLatest, LATER),
    ];
    it.each([
      [100, 200.1, true],
      [100, 200, false], // +100 is not > 100
      [500, 625, true], // +25 %
      [500, 624, false], // +24.8 %
    ])('dFLC %p → %p mg/L → PD %p', (a, b, expected) => {
      expect(pd(snap(flc(a, b)))).toBe(expected);
    });
    it('is not applied when serum M was measurable at baseline', () => {
      const a = assessProgression(snap(flc(100, 400, 20)), NOW);
      expect(a.parameters.find((p) => p.parameter === 'dflc')?.status).toBe('not-applicable');
      expect(a.pd).toBe(false);
    });
  });

  describe('marrow plasma cells: ≥ 25 % and ≥ 10 percentage points (C-13)', () => {
    it.each([
      [20, 30, true],
      [20, 29.9, false],
      [50, 62.5, true],
      [50, 62, false],
    ])('%p → %p %% → PD %p', (a, b, expected) => {
      expect(pd(snap([bmpc(a, BEFORE), bmpc(b, LATER)]))).toBe(expected);
    });
  });

  it('dates the progression by the value that showed it', () => {
    expect(assessProgression(snap([serum(10, BEFORE), serum(20, LATER)]), NOW).date?.toISOString()).toBe(new Date(LATER).toISOString());
  });

  it('without a known therapy start, compares with the lowest earlier value', () => {
    expect(pd(snap([serum(20, BEFORE), serum(10, MID), serum(15, LATER)], { administrations: [] }))).toBe(true);
  });

  describe('missing data', () => {
    it('a single value → not evaluable, naming it', () => {
      const f = run(snap([serum(30, LATER)]));
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:mprotein'] });
    });
    it('no values, no PD with values compared, or no myeloma → no card', () => {
      expect(run(snap([]))).toEqual([]);
      expect(run(snap([serum(20, BEFORE), serum(18, LATER), urine(300, LATER)]))).toEqual([]);
      expect(run(snap([serum(10, BEFORE), serum(20, LATER)], { conditions: [] }))).toEqual([]);
    });
  });

  it('on order-select, gives info context on the anti-myeloma draft in focus', () => {
    const s = snap([serum(10, BEFORE), serum(20, LATER)], { draftOrders: [draftOrder('carfilzomib', { id: 'd1' }), draftOrder('valaciclovir', { id: 'd2' })] });
    const f = run(s, 'order-select');
    expect(f.map((x) => [x.subject, x.indicator])).toEqual([['MedicationRequest/d1', 'info']]);
    const { en } = renderBoth(f, 'order-select');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.summary).toContain('Progressive disease (PD)');
    expect(run(snap([serum(20, BEFORE), serum(18, LATER)], { draftOrders: [draftOrder('carfilzomib')] }), 'order-select')).toEqual([]);
  });

  it('gives the same answer with urine M-protein in g/24h (FHIR via buildSnapshot)', () => {
    const obs = (id: string, value: number, at: string) => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ system: 'http://loinc.org', code: '42482-0' }] },
      effectiveDateTime: at,
      valueQuantity: { value, unit: 'g/24h', system: 'http://unitsofmeasure.org', code: 'g/(24.h)' },
    });
    const s = buildSnapshot(
      {
        patientId: 'p1',
        resources: {
          conditions: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '109989006' }] } }],
          observations: [obs('u1', 0.8, BEFORE), obs('u2', 1.0, LATER)],
          // On treatment: progression is judged against a response to therapy.
          medicationStatements: [
            {
              resourceType: 'MedicationStatement',
              id: 'ms-len',
              status: 'active',
              subject: { reference: 'Patient/p1' },
              medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L04AX04' }] },
              effectivePeriod: { start: START },
            },
          ],
        },
        medications: [],
        draftOrders: [],
        unavailable: [],
      } as never,
      loadTerminology(),
      NOW,
    );
    expect(s.labs['lab:mprotein-urine-24h']?.map((v) => v.value)).toEqual([1000, 800]);
    expect(run(s)[0]).toMatchObject({ outcome: 'fired', variant: 'urine-m' });
  });

  it('gives no card before any anti-myeloma therapy (nothing to progress from)', () => {
    const untreated = snapshot({
      conditions: [condition('cond:multiple-myeloma', { onset: '2024-01-01' })],
      labs: labsByConcept(lab('lab:mprotein', 10, 'g/L', BEFORE), lab('lab:mprotein', 30, 'g/L', LATER)),
    });
    expect(run(untreated)).toEqual([]);
  });

  it('renders PD and not-evaluable cards in both languages', () => {
    for (const labs of [[serum(10, BEFORE), serum(16, LATER)], [urine(800, BEFORE), urine(1000, LATER)], [bmpc(20, BEFORE), bmpc(30, LATER)]]) {
      const { nb, en } = renderBoth(run(snap(labs)), 'patient-view');
      expect(en[0]?.summary).toMatch(/^Progressive disease \(PD\): .* rose ≥25% from/);
      expect(nb[0]?.summary).toMatch(/^Progressiv sykdom \(PD\)/);
      expect(en[0]?.indicator).toBe('warning');
    }
    const { en } = renderBoth(run(snap([serum(30, LATER)])), 'patient-view');
    expect(en[0]?.summary).toBe('Cannot evaluate progression: only one value of serum M-protein');
  });
});
