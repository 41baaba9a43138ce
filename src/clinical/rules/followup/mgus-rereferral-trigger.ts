import type { EvaluationContext, Finding, LabValue, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { labNearest, latestLab, usedLab } from '../support/labs.js';
import { BASELINE_WINDOW_DAYS, mgusDiagnosis, mgusOnly } from './mgus-followup.js';
import { referredToHaematologySince } from './context.js';

// Catalogue A.3 `mgus-rereferral-trigger`: re-referral to haematology when the M-protein or the
// involved light chain rises. Seed [003] «MGUS».

export const RULE_ID = 'mgus-rereferral-trigger';

/** «tilbakehenvisning ved økning på 5g/l M-komponent» (≥, from the value at diagnosis: C-8) */
export const MPROTEIN_RISE_AT_LEAST_G_L = 5;
/** «eller økning i involvert lettkjede på >100mg/l» (strictly more, C-8) */
export const FLC_RISE_ABOVE_MG_L = 100;

const MPROTEIN = 'lab:mprotein';
const KAPPA = 'lab:flc-kappa';
const LAMBDA = 'lab:flc-lambda';

interface Rise {
  baseline: LabValue;
  latest: LabValue;
  rise: number;
}

/** Baseline at diagnosis and the latest value after it; undefined without two distinct values. */
function riseOf(snapshot: PatientSnapshot, concept: string, unit: string, dx: Date, now: Date): Rise | undefined {
  const baseline = labNearest(snapshot, concept, unit, dx, BASELINE_WINDOW_DAYS, now);
  const latest = latestLab(snapshot, concept, unit, now);
  if (!baseline || !latest || latest.effective.getTime() <= baseline.effective.getTime()) return undefined;
  return { baseline, latest, rise: latest.value - baseline.value };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const mgus = mgusOnly(snapshot);
  if (mgus.length === 0) return [];
  const dx = mgusDiagnosis(snapshot, mgus);
  if (!dx) return [];

  const m = riseOf(snapshot, MPROTEIN, 'g/L', dx.date, ctx.now);
  // C-5: the involved chain is the larger one at baseline (immunofixation isotype is not coded).
  const k = riseOf(snapshot, KAPPA, 'mg/L', dx.date, ctx.now);
  const l = riseOf(snapshot, LAMBDA, 'mg/L', dx.date, ctx.now);
  const kBase = labNearest(snapshot, KAPPA, 'mg/L', dx.date, BASELINE_WINDOW_DAYS, ctx.now);
  const lBase = labNearest(snapshot, LAMBDA, 'mg/L', dx.date, BASELINE_WINDOW_DAYS, ctx.now);
  let flc: Rise | undefined;
  if (kBase && lBase && kBase.value !== lBase.value) flc = kBase.value > lBase.value ? k : l;

  const mMet = m !== undefined && m.rise >= MPROTEIN_RISE_AT_LEAST_G_L;
  const flcMet = flc !== undefined && flc.rise > FLC_RISE_ABOVE_MG_L;
  // MD-scope: no trend can be computed, or no rise that meets a threshold.
  if (!mMet && !flcMet) return [];

  const latestRise = Math.max(...[mMet ? m : undefined, flcMet ? flc : undefined].filter((r): r is Rise => r !== undefined).map((r) => r.latest.effective.getTime()));
  // Accepting the referral suggestion (or any referral since the rise) settles the card.
  if (referredToHaematologySince(snapshot, latestRise)) return [];

  const values: UsedValue[] = [dx.value];
  const params: Record<string, string | number> = {};
  for (const r of [m, flc]) if (r) values.push(usedLab(r.baseline), usedLab(r.latest));
  if (m) params.mRise = Math.round(m.rise * 100) / 100;
  if (flc) params.flcRise = Math.round(flc.rise * 100) / 100;
  const criteriaMet = [...(mMet ? ['mprotein-rise'] : []), ...(flcMet ? ['flc-rise'] : [])];
  const criteriaNotMet = [...(m && !mMet ? ['mprotein-rise'] : []), ...(flc && !flcMet ? ['flc-rise'] : [])];
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: mMet ? 'mprotein' : 'flc',
      params,
      values,
      missing: [],
      criteriaMet,
      ...(criteriaNotMet.length > 0 ? { criteriaNotMet } : {}),
      suggestions: [{ template: 'create-haematology-referral' }],
    },
  ];
}

export const mgusRereferralTrigger: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'serviceRequests'],
  evaluate,
};
