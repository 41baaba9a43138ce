import type { DraftOrder, EvaluationContext, Finding, LabValue, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { DOSING_LAB_WINDOW_DAYS, DRAFT_DOSE, UNIT, draftDose, medicationDrafts, usedDraftDose } from './context.js';
import { labValues, latestLab, usedLab } from '../support/labs.js';

// Catalogue A.6 `dose-lenalidomide-renal`: lenalidomide 15 mg if eGFR < 30, 25 mg if > 30.
// Seed [003] «Behandling ved nyresvikt» and the VRd table «Ved eGFR <30 25 mg 15 mg».

export const RULE_ID = 'dose-lenalidomide-renal';

const LENALIDOMIDE = 'drug:lenalidomide';
const EGFR = 'lab:egfr';
const CREATININE = 'lab:creatinine';

/** «Lenalidomid gis i en dose på 15 mg daglig hvis eGFR <30» */
export const EGFR_REDUCE_BELOW = 30;
/** «… 15 mg daglig hvis eGFR <30» */
export const REDUCED_DOSE_MG = 15;
// «… og i 25 mg daglig hvis >30»: 25 mg is the standard dose. A dose below 25 mg at eGFR > 30 is
// reported only when renal function is the stated reason, which no order carries in a coded form,
// so that branch gives no card (catalogue: "with renal function as the only stated reason").

/** LOINC for the order-the-test suggestion (B.1, VERIFIED): eGFR CKD-EPI 2021. */
const EGFR_LOINC = '98979-8';

export const CRITERIA = {
  egfrBelow30: 'egfr-lt-30',
  doseAbove15: 'dose-gt-15',
  egfrExactly30: 'egfr-eq-30',
} as const;

function stalestValues(snapshot: PatientSnapshot, now: Date): UsedValue[] {
  // The last values outside the window, so the clinician sees how old they are.
  const out: UsedValue[] = [];
  for (const [concept, unit] of [
    [EGFR, UNIT.egfr],
    [CREATININE, UNIT.creatinine],
  ] as const) {
    const latest = labValues(snapshot, concept, unit).find((v) => v.effective.getTime() <= now.getTime());
    if (latest) out.push(usedLab(latest));
  }
  return out;
}

function findingFor(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder, egfr: LabValue | undefined): Finding | undefined {
  const base = { ruleId: RULE_ID, subject: draft.ref, params: { drug: draft.display } as Record<string, string | number> };
  const creatinine = latestLab(snapshot, CREATININE, UNIT.creatinine, ctx.now, DOSING_LAB_WINDOW_DAYS);

  if (!egfr) {
    // MD-warn: no eGFR in the dosing window; stale values count as missing (A.0.5).
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: 'default',
      values: stalestValues(snapshot, ctx.now),
      missing: [EGFR],
      indicator: 'warning',
      suggestions: [{ template: 'order-egfr', params: { concept: EGFR, loinc: EGFR_LOINC } }],
    };
  }

  const values: UsedValue[] = [usedLab(egfr), ...(creatinine ? [usedLab(creatinine)] : [])];
  const dose = draftDose(draft, 'mg');
  const params = { ...base.params, egfr: egfr.value };

  if (egfr.value === EGFR_REDUCE_BELOW) {
    // C-17: the seed says «<30» and «>30»; exactly 30 is read as ≥ 30 (25 mg) with an info card.
    return {
      ...base,
      params,
      outcome: 'fired',
      variant: 'boundary',
      values: dose !== undefined ? [...values, usedDraftDose(draft, dose, 'mg')] : values,
      missing: [],
      criteriaMet: [CRITERIA.egfrExactly30],
      indicator: 'info',
    };
  }
  if (egfr.value > EGFR_REDUCE_BELOW) return undefined;

  if (dose === undefined) {
    // MD-warn: eGFR < 30, but the draft states no dose in mg, so it cannot be compared.
    return {
      ...base,
      params,
      outcome: 'not-evaluable',
      variant: 'dose-unknown',
      values,
      missing: [DRAFT_DOSE],
      criteriaMet: [CRITERIA.egfrBelow30],
      indicator: 'warning',
    };
  }
  if (dose <= REDUCED_DOSE_MG) return undefined;
  return {
    ...base,
    params: { ...params, dose },
    outcome: 'fired',
    variant: 'reduce',
    values: [...values, usedDraftDose(draft, dose, 'mg')],
    missing: [],
    criteriaMet: [CRITERIA.egfrBelow30, CRITERIA.doseAbove15],
    indicator: 'warning',
    suggestions: [{ template: 'update-to-15mg', targetRef: draft.ref }],
  };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const drafts = medicationDrafts(snapshot, [LENALIDOMIDE]);
  if (drafts.length === 0) return [];
  const egfr = latestLab(snapshot, EGFR, UNIT.egfr, ctx.now, DOSING_LAB_WINDOW_DAYS);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const draft of drafts) {
    if (seen.has(draft.ref)) continue;
    seen.add(draft.ref);
    const f = findingFor(snapshot, ctx, draft, egfr);
    if (f) out.push(f);
  }
  return out;
}

export const doseLenalidomideRenal: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['observations'],
  evaluate,
};
