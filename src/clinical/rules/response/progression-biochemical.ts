import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { draftsWith } from '../support/medications.js';
import {
  ANTI_MYELOMA,
  BMPC,
  DFLC,
  SERUM_M,
  URINE_M,
  dflcSeries,
  inResponseScope,
  labSeries,
  percentChange,
  serumMeasurable,
  therapyStart,
  urineMeasurable,
  usedPoint,
  type Point,
  type Series,
} from './context.js';

// Catalogue A.5 `progression-biochemical`: progressive disease from the clonal parameters, seed [003]
// «Tabell 8.2 Definisjon av responskategorier» (PD row) and «Behandling av tilbakefall».

export const RULE_ID = 'progression-biochemical';

/** «Stigning av M-komponent på ≥25 % fra baseline» — the same 25 % for every clonal parameter. */
export const PD_RELATIVE_INCREASE_PERCENT = 25;
/** «(men minst 5 g/L)»; C-13: an absolute increase. */
export const PD_SERUM_M_ABS_INCREASE_G_L = 5;
/** «urin M-komponent (minst ≥200 mg/24 timer)»; C-13: an absolute increase. */
export const PD_URINE_M_ABS_INCREASE_MG_24H = 200;
/** «≥25 % stigning av dFLC (absolutt stigning skal være >100 mg/L)» */
export const PD_DFLC_ABS_INCREASE_ABOVE_MG_L = 100;
/** «(men skal være minst 10 %)»; C-13: an absolute increase of ≥ 10 percentage points. */
export const PD_BMPC_ABS_INCREASE_PCT_POINTS = 10;

export type PdParameter = 'serum-m' | 'urine-m' | 'dflc' | 'bmpc';

export const PARAMETER_CONCEPT: Record<PdParameter, string> = {
  'serum-m': SERUM_M,
  'urine-m': URINE_M,
  dflc: DFLC,
  bmpc: BMPC,
};

export interface ParameterAssessment {
  parameter: PdParameter;
  /** `not-evaluable`: fewer than two values (or not applicable to dFLC because M is measurable). */
  status: 'pd' | 'no-pd' | 'not-evaluable' | 'not-applicable';
  reference?: Point;
  referenceKind?: 'nadir' | 'baseline';
  latest?: Point;
  increasePercent?: number;
  increaseAbsolute?: number;
}

export interface ProgressionAssessment {
  pd: boolean;
  /** Date of the value that showed progression (earliest of the parameters with PD). */
  date?: Date;
  parameters: ParameterAssessment[];
}

/**
 * C-13 reading: the reference is the lowest value from baseline on (nadir), falling back to the
 * baseline when nothing lower followed; the latest value itself is never its own reference.
 */
export function progressionReference(series: Series): { point: Point; kind: 'nadir' | 'baseline' } | undefined {
  const latest = series.latest;
  if (!latest) return undefined;
  let best: Point | undefined;
  for (const p of series.points) {
    if (p === latest) continue;
    if (series.baseline && p.date.getTime() < series.baseline.date.getTime()) continue;
    if (!best || p.value < best.value) best = p;
  }
  if (!best) return undefined;
  return { point: best, kind: best === series.baseline ? 'baseline' : 'nadir' };
}

function assess(
  parameter: PdParameter,
  series: Series,
  meetsAbsolute: (increase: number, latest: number) => boolean,
): ParameterAssessment {
  const ref = progressionReference(series);
  if (!ref || !series.latest) return { parameter, status: 'not-evaluable' };
  const latest = series.latest;
  const increaseAbsolute = Math.round((latest.value - ref.point.value) * 1e6) / 1e6;
  // A reference of 0 (e.g. M-protein gone in CR): any rise is ≥ 25 %, the absolute minimum decides.
  const increasePercent = ref.point.value > 0 ? (percentChange(ref.point.value, latest.value) as number) : increaseAbsolute > 0 ? Infinity : 0;
  const pd = increasePercent >= PD_RELATIVE_INCREASE_PERCENT && meetsAbsolute(increaseAbsolute, latest.value);
  return { parameter, status: pd ? 'pd' : 'no-pd', reference: ref.point, referenceKind: ref.kind, latest, increasePercent, increaseAbsolute };
}

/** The PD row of Tabell 8.2 over the series (CRAB events are `relapse-clinical`). */
export function assessProgression(snapshot: PatientSnapshot, now: Date): ProgressionAssessment {
  const start = therapyStart(snapshot, now);
  const serum = labSeries(snapshot, SERUM_M, now, start);
  const urine = labSeries(snapshot, URINE_M, now, start);
  const dflc = dflcSeries(snapshot, now, start);
  const bmpc = labSeries(snapshot, BMPC, now, start);

  const parameters: ParameterAssessment[] = [
    assess('serum-m', serum, (abs) => abs >= PD_SERUM_M_ABS_INCREASE_G_L),
    assess('urine-m', urine, (abs) => abs >= PD_URINE_M_ABS_INCREASE_MG_24H),
  ];
  // «Hos pasienter uten målbar M komponent i serum eller urin»: measurable at baseline, or (no
  // baseline known) at any earlier value.
  const mMeasurable = [serum, urine].some((s) => {
    const points = s.baseline ? [s.baseline] : s.points.filter((p) => p !== s.latest);
    return points.some((p) => (s === serum ? serumMeasurable(p) : urineMeasurable(p)) === 'measurable');
  });
  parameters.push(
    mMeasurable ? { parameter: 'dflc', status: 'not-applicable' } : assess('dflc', dflc, (abs) => abs > PD_DFLC_ABS_INCREASE_ABOVE_MG_L),
  );
  parameters.push(assess('bmpc', bmpc, (abs) => abs >= PD_BMPC_ABS_INCREASE_PCT_POINTS));

  const hits = parameters.filter((p) => p.status === 'pd');
  let date: Date | undefined;
  for (const h of hits) if (h.latest && (!date || h.latest.date.getTime() < date.getTime())) date = h.latest.date;
  return { pd: hits.length > 0, ...(date ? { date } : {}), parameters };
}

/** Parameters that have any value at all: the ones whose missing second value is worth naming. */
function hasAnyValue(snapshot: PatientSnapshot, parameter: PdParameter, now: Date): boolean {
  if (parameter === 'dflc') return dflcSeries(snapshot, now, undefined).points.length > 0;
  return labSeries(snapshot, PARAMETER_CONCEPT[parameter], now, undefined).points.length > 0;
}

export function usedAssessment(a: ParameterAssessment): UsedValue[] {
  const out: UsedValue[] = [];
  if (a.reference) out.push(usedPoint(a.reference, a.referenceKind === 'baseline' ? `pd-${a.parameter}-baseline` : `pd-${a.parameter}-nadir`));
  if (a.latest) out.push(usedPoint(a.latest, `pd-${a.parameter}-latest`));
  return out;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // Progression (Tabell 8.2) is judged against a response to treatment: before any anti-myeloma
  // therapy there is nothing to progress from (MD-scope), so an untreated patient gets no card.
  if (!inResponseScope(snapshot) || !therapyStart(snapshot, ctx.now)) return [];
  const result = assessProgression(snapshot, ctx.now);
  const hits = result.parameters.filter((p) => p.status === 'pd');
  const unevaluable = result.parameters.filter((p) => p.status === 'not-evaluable' && hasAnyValue(snapshot, p.parameter, ctx.now));
  const missing = unevaluable.map((p) => PARAMETER_CONCEPT[p.parameter]);
  const criteriaMet = hits.map((p) => `${p.parameter}-pd`);
  const criteriaNotMet = result.parameters.filter((p) => p.status === 'no-pd').map((p) => `${p.parameter}-pd`);
  const criteria = {
    ...(criteriaMet.length ? { criteriaMet } : {}),
    ...(criteriaNotMet.length ? { criteriaNotMet } : {}),
  };

  if (hits.length > 0) {
    const first = hits[0] as ParameterAssessment;
    const base: Omit<Finding, 'subject'> = {
      ruleId: RULE_ID,
      outcome: 'fired',
      variant: first.parameter,
      params: {
        from: first.reference?.value ?? 0,
        to: first.latest?.value ?? 0,
        reference: first.referenceKind ?? 'nadir',
      },
      values: result.parameters.flatMap(usedAssessment),
      missing,
      ...criteria,
    };
    if (ctx.hook === 'patient-view') return [{ ...base, subject: 'patient' }];
    // order-select: context on each anti-myeloma regimen being picked, as info.
    return draftsWith(snapshot, ANTI_MYELOMA, true).map((d) => ({ ...base, subject: d.ref, indicator: 'info' as const }));
  }

  if (ctx.hook !== 'patient-view') return [];
  // MD-scope when no parameter has any value. When some parameter was compared (no PD), there is
  // nothing to report; when none could be compared because each has a single value, name them.
  // A single marrow value is the rule, not a gap (marrow is not repeated at every assessment).
  const named = unevaluable.filter((p) => p.parameter !== 'bmpc');
  if (named.length === 0 || result.parameters.some((p) => p.status === 'no-pd')) return [];
  return [
    {
      ruleId: RULE_ID,
      outcome: 'not-evaluable',
      subject: 'patient',
      variant: 'default',
      params: {},
      values: result.parameters.flatMap(usedAssessment),
      missing: named.map((p) => PARAMETER_CONCEPT[p.parameter]),
      ...criteria,
    },
  ];
}

export const progressionBiochemical: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations'],
  evaluate,
};
