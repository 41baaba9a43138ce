import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import {
  MEASURABLE_INVOLVED_FLC_MG_L,
  SERUM_M,
  URINE_M,
  dflcSeries,
  flcRatioAt,
  inResponseScope,
  labSeries,
  serumMeasurable,
  therapyStart,
  urineMeasurable,
  usedPoint,
  type Point,
  type Series,
} from './context.js';

// Catalogue A.5 `response-measurable-disease`, seed [003] «Responskriterier»: which parameter the
// response can be measured on, from the baseline values.

export const RULE_ID = 'response-measurable-disease';

export type MeasurableVariant = 'serum' | 'urine' | 'serum-urine' | 'flc' | 'none';

/** Missing-item key (a card label): no value before therapy start, or none at all before it. */
export const MISSING_SERUM_BASELINE = 'serum-m-baseline';
export const MISSING_FLC_BASELINE = 'flc-baseline';

export interface MeasurableResult {
  variant?: MeasurableVariant;
  missing: string[];
  met: string[];
  notMet: string[];
  values: UsedValue[];
}

/**
 * Baseline: the value up to therapy start (A.0.5 window); before any therapy, the latest value is
 * the baseline of the treatment to come.
 */
function baselinePoint(series: Series, started: boolean): Point | undefined {
  return started ? series.baseline : series.latest;
}

export function assessMeasurable(snapshot: PatientSnapshot, now: Date): MeasurableResult {
  const start = therapyStart(snapshot, now);
  const started = start !== undefined;
  const serum = baselinePoint(labSeries(snapshot, SERUM_M, now, start), started);
  const urine = baselinePoint(labSeries(snapshot, URINE_M, now, start), started);
  const dflc = dflcSeries(snapshot, now, start);
  const involved = started ? dflc.involvedAtBaseline : undefined;
  // Before therapy the involved chain of the latest pair is the baseline.
  const latestPair = !started ? dflc.latest : undefined;
  const ratio = started ? (dflc.baseline ? flcRatioAt(snapshot, now, dflc.baseline.date) : undefined) : latestPair ? flcRatioAt(snapshot, now, latestPair.date) : undefined;
  let involvedValue: number | undefined = involved?.value;
  let involvedPoint: Point | undefined = involved;
  if (!started && latestPair) {
    const pair = dflcSeries(snapshot, now, latestPair.date);
    involvedPoint = pair.involvedAtBaseline;
    involvedValue = involvedPoint?.value;
  }

  const values: UsedValue[] = [];
  if (serum) values.push(usedPoint(serum, `${SERUM_M}-baseline`));
  if (urine) values.push(usedPoint(urine, `${URINE_M}-baseline`));
  if (involvedPoint) values.push(usedPoint(involvedPoint, 'flc-involved-baseline'));
  if (ratio) values.push({ concept: 'lab:flc-ratio', value: ratio.value, unit: '{ratio}', date: ratio.date, ...(ratio.source ? { source: ratio.source } : {}) });

  const met: string[] = [];
  const notMet: string[] = [];
  const s = serumMeasurable(serum);
  const u = urineMeasurable(urine);
  if (s !== 'missing') (s === 'measurable' ? met : notMet).push('serum-ge-10');
  (u === 'measurable' ? met : notMet).push('urine-ge-200');
  const flcMeasurable = involvedValue === undefined ? undefined : involvedValue >= MEASURABLE_INVOLVED_FLC_MG_L && ratio?.state === 'abnormal';
  if (flcMeasurable !== undefined) (flcMeasurable ? met : notMet).push('flc-ge-100');

  const out = (variant: MeasurableVariant | undefined, missing: string[] = []): MeasurableResult => ({
    ...(variant ? { variant } : {}),
    missing,
    met,
    notMet,
    values,
  });
  if (s === 'measurable' && u === 'measurable') return out('serum-urine');
  if (s === 'measurable') return out('serum');
  if (u === 'measurable') return out('urine');
  // «Lettkjedemåling skal bare brukes hvis det ikke er målbar sykdom for serum-M-komponent eller urin-M-komponent.»
  const missing: string[] = [];
  if (s === 'missing') missing.push(MISSING_SERUM_BASELINE);
  if (flcMeasurable === undefined) missing.push(MISSING_FLC_BASELINE);
  if (flcMeasurable === true && s !== 'missing') return out('flc');
  if (missing.length > 0) return out(undefined, missing);
  return out('none');
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inResponseScope(snapshot)) return [];
  const r = assessMeasurable(snapshot, ctx.now);
  const criteria = {
    ...(r.met.length ? { criteriaMet: r.met } : {}),
    ...(r.notMet.length ? { criteriaNotMet: r.notMet } : {}),
  };
  if (!r.variant) {
    return [{ ruleId: RULE_ID, outcome: 'not-evaluable', subject: 'patient', variant: 'default', params: {}, values: r.values, missing: r.missing, ...criteria }];
  }
  return [{ ruleId: RULE_ID, outcome: 'fired', subject: 'patient', variant: r.variant, params: {}, values: r.values, missing: [], ...criteria }];
}

export const responseMeasurableDisease: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations'],
  evaluate,
};
