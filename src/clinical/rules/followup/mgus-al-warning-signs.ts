import type { EvaluationContext, Finding, LabValue, PatientSnapshot, Rule } from '../../types.js';
import { labValues, usedLab } from '../support/labs.js';
import { addMonths } from '../support/calendar.js';
import { FOLLOWUP_INTERVAL_MONTHS, TOLERANCE_MONTHS, mgusOnly } from './mgus-followup.js';
import { referredToHaematologySince } from './context.js';

// Catalogue A.3 `mgus-al-warning-signs`: MGUS with albuminuria and/or a raised NT-proBNP suggests
// AL amyloidosis. Seed [003] «MGUS»: «Husk symptomer og funn tydende på AL-amyloidose, viktigst er
// albuminuri og forhøyet NT-pro-BNP.»

export const RULE_ID = 'mgus-al-warning-signs';

/**
 * Proposal: a result counts while the yearly MGUS follow-up it belongs to is current (12 months
 * plus the follow-up tolerance of 1 month); an older one is the follow-up's business (mgus-followup).
 */
export const RESULT_VALID_MONTHS = FOLLOWUP_INTERVAL_MONTHS + TOLERANCE_MONTHS;

/** Albuminuria: urine albumin/creatinine ratio or urine albumin above the lab's reference. */
const ALBUMINURIA = [
  { concept: 'lab:urine-acr', unit: 'mg/g' },
  { concept: 'lab:urine-albumin', unit: 'mg/L' },
] as const;
const NTPROBNP = [{ concept: 'lab:ntprobnp', unit: 'pg/mL' }] as const;

/**
 * Above the reference: over the reported upper limit, else the lab's own H flag. Without either
 * the value cannot be judged (catalogue: no card; pcd-al-amyloid-screen asks for missing tests).
 */
export function aboveReference(v: LabValue): boolean {
  const high = v.referenceRange?.high;
  return high !== undefined ? v.value > high : v.flaggedHigh === true;
}

/** The newest raised result among `tests` taken since `from`, judged on each test's newest value. */
function raised(snapshot: PatientSnapshot, tests: readonly { concept: string; unit: string }[], from: Date, now: Date): LabValue[] {
  const out: LabValue[] = [];
  for (const { concept, unit } of tests) {
    const latest = labValues(snapshot, concept, unit).find((v) => v.effective.getTime() <= now.getTime());
    if (latest && latest.effective.getTime() >= from.getTime() && aboveReference(latest)) out.push(latest);
  }
  return out;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (mgusOnly(snapshot).length === 0) return [];
  const from = addMonths(ctx.now, -RESULT_VALID_MONTHS);
  const albuminuria = raised(snapshot, ALBUMINURIA, from, ctx.now);
  const ntprobnp = raised(snapshot, NTPROBNP, from, ctx.now);
  if (albuminuria.length === 0 && ntprobnp.length === 0) return [];

  const signs = [...albuminuria, ...ntprobnp];
  const earliestSign = Math.min(...signs.map((v) => v.effective.getTime()));
  // A referral made since the signs appeared settles the card.
  if (referredToHaematologySince(snapshot, earliestSign)) return [];

  const criteriaMet = [...(albuminuria.length > 0 ? ['albuminuria'] : []), ...(ntprobnp.length > 0 ? ['ntprobnp'] : [])];
  const criteriaNotMet = [...(albuminuria.length === 0 ? ['albuminuria'] : []), ...(ntprobnp.length === 0 ? ['ntprobnp'] : [])];
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: albuminuria.length > 0 && ntprobnp.length > 0 ? 'both' : albuminuria.length > 0 ? 'albuminuria' : 'ntprobnp',
      params: {},
      values: signs.map(usedLab),
      missing: [],
      criteriaMet,
      ...(criteriaNotMet.length > 0 ? { criteriaNotMet } : {}),
      suggestions: [{ template: 'create-haematology-referral' }],
    },
  ];
}

export const mgusAlWarningSigns: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['conditions', 'observations', 'serviceRequests'],
  evaluate,
};
