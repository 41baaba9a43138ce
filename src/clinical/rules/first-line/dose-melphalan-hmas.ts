import type { DraftOrder, EvaluationContext, Finding, LabValue, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { DOSING_LAB_WINDOW_DAYS, DRAFT_DOSE, UNIT, draftDose, medicationDrafts, usedDraftDose } from './context.js';
import { latestLab, usedLab } from '../support/labs.js';
import { sourceOf } from '../support/refs.js';

// Catalogue A.6 `dose-melphalan-hmas`: high-dose melphalan 200 mg/m², 140 mg/m² if eGFR < 30, with
// at least 48 h from the end of melphalan to reinfusion. Seed [003] «HMAS», «Høydose melfalan».

export const RULE_ID = 'dose-melphalan-hmas';

const MELPHALAN = 'drug:melphalan';
const EGFR = 'lab:egfr';
const BSA = 'lab:bsa';

/** «Ved eGFR <30 ml/min* 200 mg/m2 140 mg/m2» */
export const EGFR_REDUCE_BELOW = 30;
/** «For pasienter med eGFR <30 anbefales det å doseredusere melfalan til 140 mg/m2» */
export const REDUCED_DOSE_MG_M2 = 140;
/**
 * «… og det anbefales også minst 48 timer mellom avsluttet melfalan til start av reinfusjon».
 * The end-of-infusion time is not in the snapshot, so the interval is stated, not computed (C-42).
 */
export const MIN_HOURS_TO_REINFUSION = 48;

const EGFR_LOINC = '98979-8';
const BSA_LOINC = '3140-1';
const PER_M2 = 'mg/m2';
/** Label key for a dose the rule derived from mg and BSA. */
const DOSE_PER_M2 = 'dose-per-m2';

export const CRITERIA = {
  egfrBelow30: 'egfr-lt-30',
  doseAbove140: 'dose-gt-140',
  egfrExactly30: 'egfr-eq-30',
  reinfusionTimeUnknown: 'reinfusion-interval-not-recorded',
} as const;

/** mg/m² as ordered, or computed from an mg dose and a BSA in the dosing window. */
function dosePerM2(draft: DraftOrder, bsa: LabValue | undefined): { value: number; values: UsedValue[] } | 'no-dose' | 'no-bsa' {
  const perArea = draftDose(draft, PER_M2);
  if (perArea !== undefined) return { value: perArea, values: [usedDraftDose(draft, perArea, PER_M2)] };
  const mg = draftDose(draft, 'mg');
  if (mg === undefined) return 'no-dose';
  if (!bsa || bsa.value <= 0) return 'no-bsa';
  const value = Math.round((mg / bsa.value) * 10) / 10;
  return {
    value,
    values: [usedDraftDose(draft, mg, 'mg'), usedLab(bsa), { concept: DOSE_PER_M2, value, unit: PER_M2, source: sourceOf(draft.ref) }],
  };
}

function findingFor(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder): Finding | undefined {
  const base = { ruleId: RULE_ID, subject: draft.ref };
  const egfr = latestLab(snapshot, EGFR, UNIT.egfr, ctx.now, DOSING_LAB_WINDOW_DAYS);
  if (!egfr) {
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: 'default',
      params: { drug: draft.display },
      values: [],
      missing: [EGFR],
      indicator: 'warning',
      suggestions: [{ template: 'order-lab', params: { concept: EGFR, loinc: EGFR_LOINC } }],
    };
  }
  if (egfr.value > EGFR_REDUCE_BELOW) return undefined;
  const params = { drug: draft.display, egfr: egfr.value };
  if (egfr.value === EGFR_REDUCE_BELOW) {
    // C-17 applies to melphalan too: exactly 30 is read as ≥ 30 (200 mg/m²), with an info card.
    return { ...base, outcome: 'fired', variant: 'boundary', params, values: [usedLab(egfr)], missing: [], criteriaMet: [CRITERIA.egfrExactly30], indicator: 'info' };
  }

  const bsa = latestLab(snapshot, BSA, UNIT.bsa, ctx.now, DOSING_LAB_WINDOW_DAYS);
  const dose = dosePerM2(draft, bsa);
  if (dose === 'no-dose' || dose === 'no-bsa') {
    // MD-warn: eGFR < 30 calls for 140 mg/m², but the ordered dose per m² cannot be established.
    const noBsa = dose === 'no-bsa';
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: noBsa ? 'bsa-missing' : 'dose-unknown',
      params,
      values: [usedLab(egfr)],
      missing: [noBsa ? BSA : DRAFT_DOSE],
      criteriaMet: [CRITERIA.egfrBelow30],
      indicator: 'warning',
      ...(noBsa ? { suggestions: [{ template: 'order-lab', params: { concept: BSA, loinc: BSA_LOINC } }] } : {}),
    };
  }
  const values = [usedLab(egfr), ...dose.values];
  if (dose.value > REDUCED_DOSE_MG_M2) {
    return {
      ...base,
      outcome: 'fired',
      variant: 'reduce',
      params: { ...params, dose: dose.value },
      values,
      missing: [],
      criteriaMet: [CRITERIA.egfrBelow30, CRITERIA.doseAbove140],
      indicator: 'warning',
      suggestions: [{ template: 'update-to-140', targetRef: draft.ref }],
    };
  }
  if (dose.value === REDUCED_DOSE_MG_M2) {
    // The reduced high dose is right; the ≥ 48 h to reinfusion cannot be checked (C-42: warning).
    return {
      ...base,
      outcome: 'fired',
      variant: 'interval',
      params: { ...params, dose: dose.value },
      values,
      missing: [],
      criteriaMet: [CRITERIA.egfrBelow30, CRITERIA.reinfusionTimeUnknown],
      indicator: 'warning',
    };
  }
  // Below 140 mg/m² is not the seed's high-dose schedule (e.g. a low-dose alkylator in late lines).
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const draft of medicationDrafts(snapshot, [MELPHALAN])) {
    if (seen.has(draft.ref)) continue;
    seen.add(draft.ref);
    const f = findingFor(snapshot, ctx, draft);
    if (f) out.push(f);
  }
  return out;
}

export const doseMelphalanHmas: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['observations'],
  evaluate,
};
