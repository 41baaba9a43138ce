import {
  BASELINE_WINDOW_DAYS,
  DFLC,
  SERUM_M,
  dflcSeries,
  flcRatioAt,
  labSeries,
  mrdResults,
  percentChange,
  reductionPercent,
  serumMeasurable,
  therapyStart,
  urineMeasurable,
  type Point,
} from './context.js';
import { coded, codedByConcept, daysFrom, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const START = '2026-03-01T09:00:00Z';
const len = medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: START, id: 'len-1' });

function point(value: number): Point {
  return { concept: SERUM_M, value, unit: 'g/L', date: NOW, sources: [] };
}

describe('response-series', () => {
  it('takes therapy start from the earliest anti-myeloma record, ignoring drafts, cancelled and other drugs', () => {
    const s = snapshot({
      medications: [
        medication('valaciclovir', { date: '2026-01-01' }),
        medication('bortezomib', { date: '2026-02-01', status: 'cancelled' }),
        medication('daratumumab', { date: '2026-04-01' }),
      ],
      administrations: [len],
    });
    expect(therapyStart(s, NOW)?.toISOString()).toBe(new Date(START).toISOString());
    expect(therapyStart(snapshot({ medications: [medication('valaciclovir', { date: '2026-01-01' })] }), NOW)).toBeUndefined();
  });

  it('finds baseline (≤60 days before start, start day included), nadir and latest', () => {
    const s = snapshot({
      administrations: [len],
      labs: labsByConcept(
        lab(SERUM_M, 50, 'g/L', daysFrom(START, -BASELINE_WINDOW_DAYS - 1), 'too-old'),
        lab(SERUM_M, 40, 'g/L', daysFrom(START, -30), 'b0'),
        lab(SERUM_M, 38, 'g/L', '2026-03-01T07:00:00Z', 'b1'),
        lab(SERUM_M, 12, 'g/L', '2026-05-01', 'n1'),
        lab(SERUM_M, 8, 'g/L', '2026-07-01', 'n2'),
        lab(SERUM_M, 14, 'g/L', '2026-10-01', 'l1'),
        lab(SERUM_M, 99, 'g/L', '2026-12-01', 'future'),
      ),
    });
    const series = labSeries(s, SERUM_M, NOW, therapyStart(s, NOW));
    expect(series.baseline?.sources[0]?.id).toBe('b1');
    expect(series.nadir?.sources[0]?.id).toBe('n2');
    expect(series.latest?.sources[0]?.id).toBe('l1');
    expect(series.points).toHaveLength(6);
    expect(reductionPercent(series)).toBeCloseTo(63.157894, 4);
  });

  it('has no baseline when the only pre-therapy value is 61 days old, and keeps 60 days', () => {
    const at = (days: number) =>
      labSeries(snapshot({ administrations: [len], labs: labsByConcept(lab(SERUM_M, 30, 'g/L', daysFrom(START, -days))) }), SERUM_M, NOW, new Date(START)).baseline;
    expect(at(60)).toBeDefined();
    expect(at(61)).toBeUndefined();
    expect(at(59)).toBeDefined();
  });

  it('rounds percentages so that 20 → 2 is exactly a 90 % fall', () => {
    expect(percentChange(20, 2)).toBe(-90);
    expect(percentChange(0, 5)).toBeUndefined();
    expect(percentChange(40, 50)).toBe(25);
  });

  it('applies the measurable-disease limits on both sides (C-12: ≥)', () => {
    expect(serumMeasurable(point(10))).toBe('measurable');
    expect(serumMeasurable(point(9.9))).toBe('not-measurable');
    expect(serumMeasurable(undefined)).toBe('missing');
    expect(urineMeasurable({ ...point(200), unit: 'mg/(24.h)' })).toBe('measurable');
    expect(urineMeasurable({ ...point(199.9), unit: 'mg/(24.h)' })).toBe('not-measurable');
    expect(urineMeasurable(undefined)).toBe('not-measurable');
  });

  it('builds dFLC from same-day pairs with the involved chain fixed at baseline', () => {
    const s = snapshot({
      administrations: [len],
      labs: labsByConcept(
        lab('lab:flc-kappa', 10, 'mg/L', '2026-02-20'),
        lab('lab:flc-lambda', 410, 'mg/L', '2026-02-20'),
        lab('lab:flc-kappa', 12, 'mg/L', '2026-06-01'),
        lab('lab:flc-lambda', 52, 'mg/L', '2026-06-01'),
        lab('lab:flc-kappa', 99, 'mg/L', '2026-07-01'),
      ),
    });
    const series = dflcSeries(s, NOW, therapyStart(s, NOW));
    expect(series.concept).toBe(DFLC);
    expect(series.involved).toBe('lambda');
    expect(series.involvedAtBaseline?.value).toBe(410);
    expect(series.points.map((p) => p.value)).toEqual([400, 40]);
    expect(reductionPercent(series)).toBe(90);
  });

  it('reads the FLC ratio against the lab range, else 0.26–1.65, or from a pair', () => {
    const r = (value: number, range?: { low?: number; high?: number }) => {
      const v = { ...lab('lab:flc-ratio', value, '{ratio}', '2026-10-01'), ...(range ? { referenceRange: range } : {}) };
      return flcRatioAt(snapshot({ labs: labsByConcept(v) }), NOW)?.state;
    };
    expect(r(1.65)).toBe('normal');
    expect(r(1.66)).toBe('abnormal');
    expect(r(0.26)).toBe('normal');
    expect(r(0.25)).toBe('abnormal');
    expect(r(2.5, { low: 0.37, high: 3.1 })).toBe('normal');
    const pair = flcRatioAt(snapshot({ labs: labsByConcept(lab('lab:flc-kappa', 20, 'mg/L', '2026-10-01'), lab('lab:flc-lambda', 10, 'mg/L', '2026-10-01')) }), NOW);
    expect(pair).toMatchObject({ state: 'abnormal', value: 2 });
  });

  it('reads MRD as coded or quantitative, newest first', () => {
    const s = snapshot({
      labs: labsByConcept(lab('lab:mrd-flow', 0, '%', '2025-10-01', 'q0'), lab('lab:mrd-flow', 0.02, '%', '2025-04-01', 'q1')),
      codedObservations: codedByConcept(coded('lab:mrd-flow', ['answer:negative'], '2026-10-01', 'c1')),
    });
    expect(mrdResults(s, NOW).map((r) => [r.source.id, r.result])).toEqual([
      ['c1', 'negative'],
      ['q0', 'negative'],
      ['q1', 'positive'],
    ]);
  });
});
