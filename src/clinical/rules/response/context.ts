import type { CodedObservation, LabValue, MedicationEntry, PatientSnapshot, SourceRef, UsedValue } from '../../types.js';
import { currentConditions } from '../support/conditions.js';
import { everExposed } from '../support/medications.js';
import { labValues } from '../support/labs.js';
import { DAY_MS, isValidDate, clinicalDay } from '../support/time.js';
import { oncePerSnapshot, timeKey } from '../support/memo.js';

// The series the response rules (catalogue A.5) read: baseline, nadir and latest of serum M-protein,
// 24-h urine M-protein, dFLC and marrow plasma cells, plus the qualitative markers (immunofixation,
// FLC ratio, MRD). Values are in the canonical units of A.0.4, already converted by the snapshot.

export const SERUM_M = 'lab:mprotein';
export const URINE_M = 'lab:mprotein-urine-24h';
export const FLC_KAPPA = 'lab:flc-kappa';
export const FLC_LAMBDA = 'lab:flc-lambda';
export const FLC_RATIO = 'lab:flc-ratio';
export const BMPC = 'lab:bmpc';
export const MRD_FLOW = 'lab:mrd-flow';
export const SERUM_IFE = 'obs:serum-immunofixation';
export const URINE_IFE = 'obs:urine-immunofixation';
export const SERUM_IMMUNOSUBTRACTION = 'obs:serum-immunosubtraction';
export const BM_CLONAL_PC = 'obs:bm-clonal-plasma-cells';
/** Pseudo-concept of the derived dFLC series (involved − uninvolved free light chain). */
export const DFLC = 'dflc';

export const UNIT: Record<string, string> = {
  [SERUM_M]: 'g/L',
  [URINE_M]: 'mg/(24.h)',
  [FLC_KAPPA]: 'mg/L',
  [FLC_LAMBDA]: 'mg/L',
  [DFLC]: 'mg/L',
  [FLC_RATIO]: '{ratio}',
  [BMPC]: '%',
  [MRD_FLOW]: '%',
};

/** «Denne grensen er 10 g/L for serum M-komponent» (C-12: read as ≥). */
export const MEASURABLE_SERUM_M_G_L = 10;
/** «200 mg/døgn for urin M-komponent i døgnurin» (C-12: read as ≥). */
export const MEASURABLE_URINE_M_MG_24H = 200;
/** «og 100 mg/L for involvert lettkjede» (C-12: read as ≥, with an abnormal ratio, proposal). */
export const MEASURABLE_INVOLVED_FLC_MG_L = 100;
/** MGUS row: «FLC-ratio <0,26 eller >1,65» is abnormal, so 0.26–1.65 is the normal ratio when the lab gives no range. */
export const FLC_RATIO_NORMAL_LOW = 0.26;
export const FLC_RATIO_NORMAL_HIGH = 1.65;

/** A.0.5 (proposal): baseline = the latest value up to therapy start, no older than 60 days before it. */
export const BASELINE_WINDOW_DAYS = 60;

/** Response is assessed in myeloma and plasma cell leukaemia (MGUS and plasmacytoma are not in A.5). */
export const RESPONSE_SCOPE = ['cond:multiple-myeloma', 'cond:plasma-cell-leukaemia'];

/** Drugs whose first dose marks the start of anti-myeloma therapy (A.0.3 classes plus single agents). */
export const ANTI_MYELOMA = [
  'class:imid',
  'class:proteasome-inhibitor',
  'class:cd38-antibody',
  'class:bcma-directed',
  'class:gprc5d-directed',
  'class:bispecific',
  'class:car-t',
  'drug:elotuzumab',
  'drug:venetoclax',
  'drug:selinexor',
  'drug:melphalan',
  'drug:melphalan-flufenamide',
  'drug:cyclophosphamide',
  'drug:bendamustine',
];

const NOT_GIVEN = new Set(['entered-in-error', 'cancelled', 'not-done', 'draft']);

export interface Point {
  concept: string;
  value: number;
  unit: string;
  date: Date;
  sources: SourceRef[];
}

export interface Series {
  concept: string;
  /** Oldest first, none after `now`. */
  points: Point[];
  baseline?: Point;
  latest?: Point;
  /** Lowest value after the baseline (or over the series without one), latest excluded. */
  nadir?: Point;
}

export function inResponseScope(snapshot: PatientSnapshot): boolean {
  return currentConditions(snapshot, RESPONSE_SCOPE).length > 0;
}

/** Anti-myeloma records that were really given or prescribed (not drafts, cancelled or in error). */
export function antiMyelomaExposures(snapshot: PatientSnapshot): MedicationEntry[] {
  return everExposed(snapshot, ANTI_MYELOMA).filter((m) => m.source !== 'draft' && !(m.status !== undefined && NOT_GIVEN.has(m.status)));
}

function datesOf(m: MedicationEntry): Date[] {
  return [m.date, m.occurredAt].filter(isValidDate);
}

/** Earliest documented dose or prescription of anti-myeloma therapy. */
export function therapyStart(snapshot: PatientSnapshot, now: Date): Date | undefined {
  return oncePerSnapshot(snapshot, `therapyStart|${timeKey(now)}`, () => {
    let start: Date | undefined;
    for (const m of antiMyelomaExposures(snapshot)) {
      for (const d of datesOf(m)) if (d.getTime() <= now.getTime() && (!start || d.getTime() < start.getTime())) start = d;
    }
    return start;
  });
}

function pointOf(v: LabValue): Point {
  return { concept: v.concept, value: v.value, unit: v.unit, date: v.effective, sources: [v.source] };
}

function upTo(values: LabValue[], now: Date): LabValue[] {
  return values.filter((v) => v.effective.getTime() <= now.getTime()).sort((a, b) => a.effective.getTime() - b.effective.getTime());
}

/** The latest point on or before the start day and no more than the window before it. */
export function baselineOf(points: Point[], start: Date | undefined): Point | undefined {
  if (!start) return undefined;
  const startDay = clinicalDay(start);
  let best: Point | undefined;
  for (const p of points) {
    const ageDays = (start.getTime() - p.date.getTime()) / DAY_MS;
    if (clinicalDay(p.date) > startDay || ageDays > BASELINE_WINDOW_DAYS) continue;
    best = p;
  }
  return best;
}

/** Fills baseline, latest and nadir for oldest-first points. */
export function seriesOf(concept: string, points: Point[], start: Date | undefined): Series {
  const baseline = baselineOf(points, start);
  const latest = points[points.length - 1];
  let nadir: Point | undefined;
  for (const p of points) {
    if (p === latest) continue;
    if (baseline && p.date.getTime() <= baseline.date.getTime()) continue;
    if (!nadir || p.value < nadir.value) nadir = p;
  }
  return {
    concept,
    points,
    ...(baseline ? { baseline } : {}),
    ...(latest ? { latest } : {}),
    ...(nadir ? { nadir } : {}),
  };
}

export function labSeries(snapshot: PatientSnapshot, concept: string, now: Date, start: Date | undefined): Series {
  return oncePerSnapshot(snapshot, `labSeries|${concept}|${timeKey(now)}|${timeKey(start)}`, () => {
    const unit = UNIT[concept] ?? '';
    return seriesOf(concept, upTo(labValues(snapshot, concept, unit), now).map(pointOf), start);
  });
}

export type Chain = 'kappa' | 'lambda';

export interface FlcPair {
  date: Date;
  kappa: LabValue;
  lambda: LabValue;
}

/** κ and λ taken on the same calendar day, oldest first. */
export function flcPairs(snapshot: PatientSnapshot, now: Date): FlcPair[] {
  return oncePerSnapshot(snapshot, `flcPairs|${timeKey(now)}`, () => {
    const lambdaByDay = new Map<number, LabValue>();
    for (const l of upTo(labValues(snapshot, FLC_LAMBDA, 'mg/L'), now)) lambdaByDay.set(clinicalDay(l.effective), l);
    const pairs: FlcPair[] = [];
    for (const k of upTo(labValues(snapshot, FLC_KAPPA, 'mg/L'), now)) {
      const l = lambdaByDay.get(clinicalDay(k.effective));
      if (l) pairs.push({ date: k.effective.getTime() >= l.effective.getTime() ? k.effective : l.effective, kappa: k, lambda: l });
    }
    return pairs;
  });
}

export interface FlcSeries extends Series {
  /** C-5: no isotype in the snapshot, so the involved chain is the larger one at baseline (an assumption). */
  involved?: Chain;
  /** Involved chain concentration at baseline (mg/L). */
  involvedAtBaseline?: Point;
}

/** dFLC = involved − uninvolved, with the involved chain fixed at baseline (else at the first pair). */
export function dflcSeries(snapshot: PatientSnapshot, now: Date, start: Date | undefined): FlcSeries {
  return oncePerSnapshot(snapshot, `dflcSeries|${timeKey(now)}|${timeKey(start)}`, () => dflcSeriesOf(snapshot, now, start));
}

function dflcSeriesOf(snapshot: PatientSnapshot, now: Date, start: Date | undefined): FlcSeries {
  const pairs = flcPairs(snapshot, now);
  const asPoint = (p: FlcPair, value: number): Point => ({ concept: DFLC, value, unit: 'mg/L', date: p.date, sources: [p.kappa.source, p.lambda.source] });
  const probe = seriesOf(DFLC, pairs.map((p) => asPoint(p, Math.abs(p.kappa.value - p.lambda.value))), start);
  const reference = probe.baseline ?? probe.points[0];
  const referencePair = reference ? pairs.find((p) => p.date.getTime() === reference.date.getTime()) : undefined;
  if (!referencePair) return probe;
  const involved: Chain = referencePair.kappa.value >= referencePair.lambda.value ? 'kappa' : 'lambda';
  const dflc = (p: FlcPair): number => (involved === 'kappa' ? p.kappa.value - p.lambda.value : p.lambda.value - p.kappa.value);
  const series = seriesOf(DFLC, pairs.map((p) => asPoint(p, dflc(p))), start);
  const out: FlcSeries = { ...series, involved };
  if (series.baseline) {
    const pair = pairs.find((p) => p.date.getTime() === series.baseline?.date.getTime());
    const chain = pair ? (involved === 'kappa' ? pair.kappa : pair.lambda) : undefined;
    if (chain) out.involvedAtBaseline = pointOf(chain);
  }
  return out;
}

/** Percent change from `from` to `to`, rounded so that 90 % computed from 20 → 2 is exactly 90. */
export function percentChange(from: number, to: number): number | undefined {
  if (!(from > 0)) return undefined;
  return Math.round(((to - from) / from) * 100 * 1e6) / 1e6;
}

/** Percent reduction from baseline to latest (positive = fall). */
export function reductionPercent(series: Series): number | undefined {
  if (!series.baseline || !series.latest || series.latest === series.baseline) return undefined;
  const change = percentChange(series.baseline.value, series.latest.value);
  return change === undefined ? undefined : -change;
}

export type Measurability = 'measurable' | 'not-measurable' | 'missing';

export function serumMeasurable(p: Point | undefined): Measurability {
  if (!p) return 'missing';
  return p.value >= MEASURABLE_SERUM_M_G_L ? 'measurable' : 'not-measurable';
}

/** «Hvis det ikke gjøres døgnurin, er det mest praktiske å vurdere denne som «ikke målbar»». */
export function urineMeasurable(p: Point | undefined): Exclude<Measurability, 'missing'> {
  return p && p.value >= MEASURABLE_URINE_M_MG_24H ? 'measurable' : 'not-measurable';
}

export type RatioState = 'normal' | 'abnormal';

export interface RatioReading {
  state: RatioState;
  value: number;
  date: Date;
  source?: SourceRef;
}

function ratioState(value: number, range: LabValue['referenceRange']): RatioState {
  const low = range?.low ?? FLC_RATIO_NORMAL_LOW;
  const high = range?.high ?? FLC_RATIO_NORMAL_HIGH;
  return value >= low && value <= high ? 'normal' : 'abnormal';
}

/** The κ/λ ratio closest before `at` (reported, else computed from a same-day pair); the latest without `at`. */
export function flcRatioAt(snapshot: PatientSnapshot, now: Date, at?: Date): RatioReading | undefined {
  const limit = at ?? now;
  const reported = upTo(labValues(snapshot, FLC_RATIO, '{ratio}'), limit).pop();
  const pair = flcPairs(snapshot, limit).pop();
  const fromPair: RatioReading | undefined =
    pair && pair.lambda.value > 0
      ? { state: ratioState(pair.kappa.value / pair.lambda.value, undefined), value: Math.round((pair.kappa.value / pair.lambda.value) * 1000) / 1000, date: pair.date, source: pair.kappa.source }
      : undefined;
  if (reported && (!fromPair || reported.effective.getTime() >= fromPair.date.getTime())) {
    return { state: ratioState(reported.value, reported.referenceRange), value: reported.value, date: reported.effective, source: reported.source };
  }
  return fromPair;
}

export type QualitativeResult = 'negative' | 'positive';

export interface QualitativeReading {
  result: QualitativeResult;
  date: Date;
  source: SourceRef;
}

const NEGATIVE = ['answer:negative', 'answer:absent'];
const POSITIVE = ['answer:positive', 'answer:present'];

function readAnswer(o: CodedObservation): QualitativeResult | undefined {
  if (o.valueConcepts.some((c) => POSITIVE.includes(c))) return 'positive';
  if (o.valueConcepts.some((c) => NEGATIVE.includes(c))) return 'negative';
  return undefined;
}

/** Every readable negative/positive result of a coded concept, newest first. */
export function qualitativeResults(snapshot: PatientSnapshot, concept: string, now: Date): QualitativeReading[] {
  const out: QualitativeReading[] = [];
  for (const o of snapshot.codedObservations[concept] ?? []) {
    if (!isValidDate(o.effective) || o.effective.getTime() > now.getTime()) continue;
    const result = readAnswer(o);
    if (result) out.push({ result, date: o.effective, source: o.source });
  }
  return out.sort((a, b) => b.date.getTime() - a.date.getTime());
}

export function latestQualitative(snapshot: PatientSnapshot, concept: string, now: Date): QualitativeReading | undefined {
  return qualitativeResults(snapshot, concept, now)[0];
}

/**
 * MRD results by flow, newest first. A coded negative/positive is read as given; a quantitative
 * result > 0 % is positive and 0 % is read as «fravær av klonale plasmaceller» (proposal: the
 * snapshot does not carry the sensitivity, C-37).
 */
export function mrdResults(snapshot: PatientSnapshot, now: Date): QualitativeReading[] {
  const out = qualitativeResults(snapshot, MRD_FLOW, now);
  const seen = new Set(out.map((r) => `${r.source.id ?? ''}|${r.date.getTime()}`));
  for (const v of upTo(labValues(snapshot, MRD_FLOW, '%'), now)) {
    const key = `${v.source.id ?? ''}|${v.effective.getTime()}`;
    if (seen.has(key)) continue;
    out.push({ result: v.value > 0 ? 'positive' : 'negative', date: v.effective, source: v.source });
  }
  return out.sort((a, b) => b.date.getTime() - a.date.getTime());
}

export function usedPoint(p: Point, label?: string): UsedValue {
  const source = p.sources[0];
  return { concept: label ?? p.concept, value: p.value, unit: p.unit, date: p.date, ...(source ? { source } : {}) };
}

export function usedQualitative(concept: string, r: QualitativeReading): UsedValue {
  return { concept, value: r.result, date: r.date, source: r.source };
}
