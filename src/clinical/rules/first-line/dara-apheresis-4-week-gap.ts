import type { DataDomain, DraftOrder, EvaluationContext, Finding, Indicator, PatientSnapshot, ProcedureEntry, Rule, UsedValue } from '../../types.js';
import {
  PLANNED_DATE,
  STEM_CELL_APHERESIS,
  calendarDayAfter,
  calendarDaysBetween,
  indicatorFor,
  medicationDrafts,
  clinicalDate,
  plannedServiceRequests,
  procedureDrafts,
  validDate,
} from './context.js';
import { currentMedications, everExposed, lastAdministered, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';

// Catalogue A.6 `dara-apheresis-4-week-gap`: at least 4 weeks between the last daratumumab dose and
// stem-cell harvest. Seed [003] «Stamcellehøsting».

export const RULE_ID = 'dara-apheresis-4-week-gap';

/**
 * «hvis dette gis i induksjonsbehandlingen så bør det gå minst 4 uker mellom siste daratumumab-dose
 * og stamcellehøsting»: 4 weeks = 28 calendar days (C-19).
 */
export const MIN_GAP_DAYS = 28;

const DARATUMUMAB = 'drug:daratumumab';
/** C-19 (proposal): the same gap for isatuximab (same class, not in the seed), as info only. */
const ISATUXIMAB = 'drug:isatuximab';

interface Antibody {
  concept: string;
  /** Variant prefix in the card file. */
  key: 'daratumumab' | 'isatuximab';
  indicator(ctx: EvaluationContext): Indicator;
}

const ANTIBODIES: Antibody[] = [
  // C-19: critical at sign because a failed harvest is costly; «bør» allows an override.
  { concept: DARATUMUMAB, key: 'daratumumab', indicator: (ctx) => indicatorFor(ctx, 'critical', 'warning') },
  { concept: ISATUXIMAB, key: 'isatuximab', indicator: () => 'info' },
];

export const CRITERIA = {
  gapBelow28: 'gap-lt-28-days',
  antibodyOrderActive: 'antibody-order-active',
  plannedDateFromOrderDate: 'planned-date-is-order-date',
} as const;

const ADMINISTRATION_DOMAINS: DataDomain[] = ['medicationAdministrations'];
/** Label key (cards' `labels`) for the missing date of the last antibody dose. */
const LAST_DOSE_DATE = 'last-dose-date';

function plannedValue(ref: string, date: Date): UsedValue {
  return { concept: PLANNED_DATE, value: clinicalDate(date), date, source: sourceOf(ref) };
}

/** Direction (a): a harvest draft planned too soon after the last dose. */
function harvestDraftFinding(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder): Finding | undefined {
  const proc = draft.procedure as ProcedureEntry;
  const stated = validDate(proc.date);
  // Catalogue: "harvest date missing → use the order date and say so".
  const planned = stated ?? ctx.now;
  const base = { ruleId: RULE_ID, subject: draft.ref };
  const missingAdministrations = ADMINISTRATION_DOMAINS.filter((d) => snapshot.unavailable.includes(d)).map((d) => `domain:${d}`);

  for (const ab of ANTIBODIES) {
    const last = lastAdministered(snapshot, [ab.concept]);
    if (!last) {
      const exposed = everExposed(snapshot, [ab.concept]);
      if (exposed.length === 0 && missingAdministrations.length === 0) continue;
      if (exposed.length === 0 && ab.concept !== DARATUMUMAB) continue;
      // MD-warn: the antibody is on record (or the administrations could not be read) but no dose date.
      return {
        ...base,
        outcome: 'not-evaluable',
        variant: ab.key,
        params: { order: draft.display },
        values: [plannedValue(draft.ref, planned), ...exposed.slice(0, 3).map((m) => usedMedication(m))],
        missing: missingAdministrations.length > 0 ? missingAdministrations : [LAST_DOSE_DATE],
        indicator: ab.concept === DARATUMUMAB ? 'warning' : 'info',
      };
    }
    const gap = calendarDaysBetween(last.at, planned);
    if (gap >= MIN_GAP_DAYS) {
      if (ab.concept === DARATUMUMAB) return undefined;
      continue;
    }
    const earliest = calendarDayAfter(last.at, MIN_GAP_DAYS);
    const criteriaMet: string[] = [CRITERIA.gapBelow28];
    if (currentMedications(snapshot, [ab.concept], new Set(['active'])).length > 0) criteriaMet.push(CRITERIA.antibodyOrderActive);
    if (!stated) criteriaMet.push(CRITERIA.plannedDateFromOrderDate);
    return {
      ...base,
      outcome: 'fired',
      variant: `${ab.key}-harvest`,
      params: { order: draft.display, days: gap, lastDose: clinicalDate(last.at), earliestDate: earliest },
      values: [usedMedication(last.entry, ab.concept), plannedValue(draft.ref, planned)],
      missing: [],
      criteriaMet,
      indicator: ab.indicator(ctx),
      suggestions: [{ template: 'postpone-harvest', targetRef: draft.ref, params: { earliestDate: earliest, status: 'draft' } }],
    };
  }
  return undefined;
}

/** Direction (b): an antibody draft while a harvest is planned within 28 days of the order. */
function antibodyDraftFinding(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder, ab: Antibody): Finding | undefined {
  const today = ctx.now;
  if (snapshot.unavailable.includes('serviceRequests')) {
    // MD-warn: the harvest plan cannot be seen, so the gap cannot be checked.
    return {
      ruleId: RULE_ID,
      outcome: 'not-evaluable',
      subject: draft.ref,
      variant: `${ab.key}-order`,
      params: { drug: draft.display },
      values: [],
      missing: ['domain:serviceRequests'],
      indicator: ab.concept === DARATUMUMAB ? indicatorFor(ctx, 'warning', 'info') : 'info',
    };
  }
  let nearest: { request: ProcedureEntry; days: number } | undefined;
  for (const request of plannedServiceRequests(snapshot, STEM_CELL_APHERESIS)) {
    const date = validDate(request.date);
    if (!date) continue;
    const days = calendarDaysBetween(today, date);
    // A harvest date already passed is not a plan; one ≥ 28 days ahead is far enough.
    if (days < 0 || days >= MIN_GAP_DAYS) continue;
    if (!nearest || days < nearest.days) nearest = { request, days };
  }
  if (!nearest) return undefined;
  const earliest = calendarDayAfter(today, MIN_GAP_DAYS);
  const harvestDay = clinicalDate(nearest.request.date as Date);
  return {
    ruleId: RULE_ID,
    outcome: 'fired',
    subject: draft.ref,
    variant: `${ab.key}-order`,
    params: { drug: draft.display, days: nearest.days, harvestDate: harvestDay, earliestDate: earliest },
    values: [plannedValue(nearest.request.ref, nearest.request.date as Date)],
    missing: [],
    criteriaMet: [CRITERIA.gapBelow28],
    indicator: ab.indicator(ctx),
    // Hold the antibody, keep the harvest: «det er vanskeligere å høste etter for lang behandling med
    // et CD38-antistoffinneholdende regime», so moving the harvest later is not the safe default.
    suggestions: [{ template: 'remove-antibody-draft', targetRef: draft.ref }],
  };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const draft of procedureDrafts(snapshot, STEM_CELL_APHERESIS)) {
    if (seen.has(draft.ref)) continue;
    seen.add(draft.ref);
    const f = harvestDraftFinding(snapshot, ctx, draft);
    if (f) out.push(f);
  }
  for (const ab of ANTIBODIES) {
    for (const draft of medicationDrafts(snapshot, [ab.concept])) {
      if (seen.has(draft.ref)) continue;
      seen.add(draft.ref);
      const f = antibodyDraftFinding(snapshot, ctx, draft, ab);
      if (f) out.push(f);
    }
  }
  return out;
}

export const daraApheresis4WeekGap: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['medicationAdministrations', 'medicationRequests', 'serviceRequests'],
  handlesUnavailable: true,
  evaluate,
};
