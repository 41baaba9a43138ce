import type { DraftOrder, EvaluationContext, Indicator, PatientSnapshot, ProcedureEntry, UsedValue } from '../../types.js';
import { convertUnit, normaliseUnit } from '../../units.js';
import { hasConcept } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';

// Shared by the A.6 dose and timing rules: which drafts a rule looks at, the draft dose in the unit
// a rule compares in, and calendar-day arithmetic for the harvest windows.

/** Canonical lab units the dose rules compare in (terminology `canonicalUnit`). */
export const UNIT = {
  egfr: 'mL/min/{1.73_m2}',
  creatinine: 'umol/L',
  bsa: 'm2',
  cd34: '10*6/L',
  cd34GraftDose: '10*6/kg',
} as const;

/** A.0.5 (proposal): dosing labs (eGFR, creatinine, weight, BSA) count only ≤ 14 days before the order. */
export const DOSING_LAB_WINDOW_DAYS = 14;

export const STEM_CELL_APHERESIS = 'proc:stem-cell-apheresis';

/** Label key (cards' `labels`) for a draft order's dose in values and `missing`. */
export const DRAFT_DOSE = 'draft-dose';
/** Label key for the planned date of a draft ServiceRequest. */
export const PLANNED_DATE = 'planned-date';

/**
 * Medication drafts the rule checks: on order-select the selected ones, on order-sign all (the
 * snapshot marks every draft in focus there).
 */
export function medicationDrafts(snapshot: PatientSnapshot, concepts: readonly string[]): DraftOrder[] {
  return snapshot.draftOrders.filter((d) => d.inFocus && d.medication !== undefined && hasConcept(d.medication, concepts));
}

/** Draft ServiceRequests in focus for `concept`. */
export function procedureDrafts(snapshot: PatientSnapshot, concept: string): DraftOrder[] {
  return snapshot.draftOrders.filter((d) => d.inFocus && d.procedure !== undefined && d.procedure.concepts.includes(concept));
}

/** ServiceRequests on record for `concept` that are still planned (active or on hold). */
export function plannedServiceRequests(snapshot: PatientSnapshot, concept: string): ProcedureEntry[] {
  return snapshot.procedures.filter(
    (p) => p.source === 'ServiceRequest' && p.concepts.includes(concept) && (p.status === 'active' || p.status === 'on-hold'),
  );
}

/**
 * The draft's dose when it is stated in `unit` (mass doses arrive in mg from the snapshot; per-area
 * doses keep their coded unit, which is normalised here). Any other unit counts as not stated.
 */
export function draftDose(draft: DraftOrder, unit: string): number | undefined {
  const dose = draft.medication?.dose;
  if (!dose || !Number.isFinite(dose.value)) return undefined;
  if (dose.unit === unit) return dose.value;
  // «mg/m²» as typed by clinicians is not UCUM; the superscript is the only difference.
  const normalised = normaliseUnit(dose.unit.replace(/²/g, '2'));
  if (!normalised) return undefined;
  return normalised === unit ? dose.value : convertUnit(dose.value, normalised, unit);
}

export function usedDraftDose(draft: DraftOrder, value: number, unit: string): UsedValue {
  return { concept: DRAFT_DOSE, value, unit, source: sourceOf(draft.ref) };
}

/** A.0.1: order-select gives earlier, softer cards; `sign` is the order-sign indicator. */
export function indicatorFor(ctx: EvaluationContext, sign: Indicator, select: Indicator): Indicator {
  return ctx.hook === 'order-sign' ? sign : select;
}

// Clinical calendar days (CDS_TIME_ZONE): one definition for every rule (src/clinical/day.ts).
export { calendarDaysBetween, clinicalDate, clinicalDayAfter as calendarDayAfter } from '../../day.js';

export function validDate(d: Date | undefined): Date | undefined {
  return isValidDate(d) ? d : undefined;
}
