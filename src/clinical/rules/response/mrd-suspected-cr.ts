import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { draftsWith } from '../support/medications.js';
import { isoDate } from '../support/time.js';
import {
  MRD_FLOW,
  SERUM_IFE,
  SERUM_M,
  URINE_IFE,
  flcRatioAt,
  inResponseScope,
  labSeries,
  latestQualitative,
  mrdResults,
  usedPoint,
  usedQualitative,
  type QualitativeReading,
} from './context.js';

// Catalogue A.5 `mrd-suspected-cr`, seed [003] «Daratumumab og lenalidomid vedlikehold»: «Det tas
// beinmargsaspirat til MRD ved EuroFlow av alle pasienter som er i mistenkt komplett respons (CR),
// det vil si hos pasienter som har negativ immunfiksering og normal lettkjederatio.»

export const RULE_ID = 'mrd-suspected-cr';

/** «gjentas MRD ved EuroFlow etter 12 måneder» / «MRD negativ CR > 12 måneder» / «gjentas ny beinmarg etter 1 år» */
export const MRD_REPEAT_MONTHS = 12;
/** LOINC 93021-4 (B.1, VERIFIED): the MRD result the suggested aspirate produces. */
export const MRD_LOINC = '93021-4';

const CD38 = ['class:cd38-antibody'];

export type MrdVariant = 'mrd-due' | 'repeat-after-negative' | 'repeat-after-positive' | 'cd38-stop';

export function addMonths(d: Date, months: number): Date {
  const out = new Date(d.getTime());
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

export interface MrdAssessment {
  /** Undefined when a suspected CR cannot be computed (IFE or FLC ratio missing). */
  suspectedCr?: boolean;
  missing: string[];
  variant?: MrdVariant;
  /** When the next MRD is due (repeat variants). */
  dueDate?: Date;
  values: UsedValue[];
}

/** Two MRD-negative results at least 12 months apart, none positive in between or since. */
export function sustainedMrdNegative(results: QualitativeReading[]): boolean {
  const [latest] = results;
  if (!latest || latest.result !== 'negative') return false;
  const run: QualitativeReading[] = [];
  for (const r of results) {
    if (r.result !== 'negative') break;
    run.push(r);
  }
  const first = run[run.length - 1] as QualitativeReading;
  return addMonths(first.date, MRD_REPEAT_MONTHS).getTime() <= latest.date.getTime();
}

export function assessMrd(snapshot: PatientSnapshot, now: Date): MrdAssessment | undefined {
  const serumIfe = latestQualitative(snapshot, SERUM_IFE, now);
  const urineIfe = latestQualitative(snapshot, URINE_IFE, now);
  const serumM = labSeries(snapshot, SERUM_M, now, undefined).latest;
  // Scope: only when CR is in question — an immunofixation on record or M-protein gone on electrophoresis.
  if (!serumIfe && !(serumM && serumM.value === 0)) return undefined;
  const values: UsedValue[] = [];
  if (serumM) values.push(usedPoint(serumM));
  if (serumIfe) values.push(usedQualitative(SERUM_IFE, serumIfe));
  if (urineIfe) values.push(usedQualitative(URINE_IFE, urineIfe));
  const ratio = flcRatioAt(snapshot, now);
  if (ratio) values.push({ concept: 'lab:flc-ratio', value: ratio.value, unit: '{ratio}', date: ratio.date, ...(ratio.source ? { source: ratio.source } : {}) });

  const missing: string[] = [];
  if (!serumIfe) missing.push(SERUM_IFE);
  if (!ratio) missing.push('lab:flc-ratio');
  // A positive result on either rules the suspicion out even when the other is missing.
  const positive = serumIfe?.result === 'positive' || urineIfe?.result === 'positive' || (serumM !== undefined && serumM.value > 0 && serumIfe !== undefined && serumM.date.getTime() > serumIfe.date.getTime()) || ratio?.state === 'abnormal';
  if (positive) return { suspectedCr: false, missing: [], values };
  if (missing.length > 0) return { missing, values };

  const mrd = mrdResults(snapshot, now);
  for (const r of mrd.slice(0, 2)) values.push(usedQualitative(MRD_FLOW, r));
  const latest = mrd[0];
  if (!latest) return { suspectedCr: true, missing: [], variant: 'mrd-due', values };
  if (latest.result === 'negative' && sustainedMrdNegative(mrd)) return { suspectedCr: true, missing: [], variant: 'cd38-stop', values };
  const dueDate = addMonths(latest.date, MRD_REPEAT_MONTHS);
  return { suspectedCr: true, missing: [], variant: latest.result === 'negative' ? 'repeat-after-negative' : 'repeat-after-positive', dueDate, values };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inResponseScope(snapshot)) return [];
  const a = assessMrd(snapshot, ctx.now);
  if (!a) return [];
  if (ctx.hook === 'order-sign') {
    // «Hvis pasienten har vært i MRD negativ CR > 12 måneder kan daratumumab avsluttes»: on the CD38 dose.
    if (a.variant !== 'cd38-stop') return [];
    return draftsWith(snapshot, CD38, true).map((d) => ({
      ruleId: RULE_ID,
      outcome: 'fired' as const,
      subject: d.ref,
      variant: 'cd38-stop',
      params: { drug: d.display },
      values: a.values,
      missing: [],
      criteriaMet: ['suspected-cr', 'mrd-negative-12-months'],
    }));
  }
  if (a.suspectedCr === false) return [];
  if (a.suspectedCr === undefined) {
    return [{ ruleId: RULE_ID, outcome: 'not-evaluable', subject: 'patient', variant: 'default', params: {}, values: a.values, missing: a.missing }];
  }
  const variant = a.variant as MrdVariant;
  const due = a.dueDate;
  // A repeat not yet due is still shown, with its date, so that the plan is visible.
  const params: Record<string, string> = due ? { due: isoDate(due) } : {};
  const wantsAspirate = variant === 'mrd-due' || (due !== undefined && due.getTime() <= ctx.now.getTime());
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: variant === 'cd38-stop' ? 'cd38-stop-patient' : variant,
      params,
      values: a.values,
      missing: [],
      criteriaMet: ['suspected-cr', ...(variant === 'cd38-stop' ? ['mrd-negative-12-months'] : [])],
      ...(wantsAspirate ? { suggestions: [{ template: 'order-mrd', params: { concept: MRD_FLOW, loinc: MRD_LOINC } }] } : {}),
    },
  ];
}

export const mrdSuspectedCr: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-sign'],
  needs: ['conditions', 'observations', 'medicationRequests'],
  evaluate,
};
