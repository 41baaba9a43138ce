import type { DraftOrder, EvaluationContext, Finding, MedicationEntry, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { DRAFT_DOSE, draftDose, medicationDrafts, usedDraftDose } from './context.js';
import { inMyelomaScope } from '../support/conditions.js';
import { isOnOrOrdered } from '../support/medications.js';

// Catalogue A.6 `dose-dexamethasone-age`: weekly dexamethasone 40 mg below 75 years, 20 mg above.
// Seed [003] regimen tables «Deksametason (peroralt) <75 år: 40 mg >75 år: 20 mg»; Venetoclax-Dex
// «Pasienter >75 år halverer dosen dexametason» (40 mg weekly halved is the same 20 mg).

export const RULE_ID = 'dose-dexamethasone-age';

const DEXAMETHASONE = 'drug:dexamethasone';
/** Premedication doses before bispecifics (16/20 mg) are not treatment doses (catalogue). */
const BISPECIFIC = 'class:bispecific';

/** «<75 år: 40 mg / >75 år: 20 mg»: the age limit. */
export const AGE_LIMIT_YEARS = 75;
/** «>75 år: 20 mg» */
export const DOSE_OVER_75_MG = 20;
/** «<75 år: 40 mg» */
export const DOSE_UNDER_75_MG = 40;

/**
 * Reasons that make a dexamethasone order an emergency or supportive steroid, not the regimen pulse:
 * hypercalcaemia, cord compression («Dexametason 40 mg x1 startes umiddelbart»), premedication.
 */
const NON_REGIMEN_REASONS = ['cond:hypercalcaemia', 'cond:spinal-cord-compression'];
const NON_REGIMEN_TEXT = /premed|forbehandl|hyperkal[sc]|hypercalc|ryggmarg|medull|cord compression|kompresjon|antiemet|kvalme|nausea|ødem|oedema|edema/;
/** Written schedules: a weekly pulse, or a daily / single / few-day course (proposal: text patterns). */
const WEEKLY_TEXT = /ukentlig|hver uke|en gang (per|i) uke|1 ?x ?(per|\/|i) ?uke|weekly|once a week|every week|dag 1, ?8, ?15|days? 1, ?8, ?15/;
const SHORT_TEXT = /daglig|daily|x ?1\b|engangs|single dose|\bstat\b|umiddelbart|immediately|opptil \d+ dag|up to \d+ day|for \d+ days|i \d+ dager/;
/** A dose interval of 6–8 days is the weekly pulse of the regimen tables (days 1, 8, 15, 22). */
const WEEKLY_INTERVAL_DAYS = { min: 6, max: 8 };
/** Courses of at most 4 doses or 4 days are short (emergency) courses: «40 mg daglig i opptil 4 dager». */
const SHORT_COURSE_MAX = 4;
const PERIOD_DAYS: Record<string, number> = { s: 1 / 86_400, min: 1 / 1_440, h: 1 / 24, d: 1, wk: 7, mo: 30, a: 365 };

type Schedule = 'weekly' | 'not-regimen' | 'unknown';

/**
 * Whether a dexamethasone order is the regimen's weekly pulse. A coded Timing decides before the
 * text; a stated reason or a short course puts it outside the rule whatever the schedule.
 */
export function scheduleOf(m: MedicationEntry): Schedule {
  if ((m.reasons ?? []).some((r) => NON_REGIMEN_REASONS.includes(r))) return 'not-regimen';
  const text = (m.timing?.text ?? '').toLowerCase();
  if (NON_REGIMEN_TEXT.test(m.reasonText ?? '') || NON_REGIMEN_TEXT.test(text)) return 'not-regimen';
  const t = m.timing;
  if (t?.count !== undefined && t.count <= SHORT_COURSE_MAX) return 'not-regimen';
  if (t?.boundsDays !== undefined && t.boundsDays <= SHORT_COURSE_MAX) return 'not-regimen';
  const periodDays = t?.period !== undefined && t.periodUnit ? t.period * (PERIOD_DAYS[t.periodUnit] ?? NaN) : undefined;
  if (periodDays !== undefined && Number.isFinite(periodDays)) {
    const interval = periodDays / (t?.frequency ?? 1);
    return interval >= WEEKLY_INTERVAL_DAYS.min && interval <= WEEKLY_INTERVAL_DAYS.max ? 'weekly' : 'not-regimen';
  }
  if (SHORT_TEXT.test(text)) return 'not-regimen';
  if (WEEKLY_TEXT.test(text)) return 'weekly';
  return 'unknown';
}

/** Label key for the missing birth date. */
const BIRTH_DATE = 'birth-date';
const AGE = 'age';

export const CRITERIA = {
  ageOver75: 'age-gt-75',
  ageExactly75: 'age-eq-75',
  ageUnder75: 'age-lt-75',
  doseAbove20: 'dose-gt-20',
  doseBelow40: 'dose-lt-40',
} as const;

function findingFor(snapshot: PatientSnapshot, draft: DraftOrder): Finding | undefined {
  const schedule = draft.medication ? scheduleOf(draft.medication) : 'unknown';
  if (schedule === 'not-regimen') return undefined;
  const base = { ruleId: RULE_ID, subject: draft.ref };
  const age = snapshot.ageYears;
  if (age === undefined) {
    // MD-warn: the age band decides the dose.
    return { ...base, outcome: 'not-evaluable', variant: 'default', params: { drug: draft.display }, values: [], missing: [BIRTH_DATE], indicator: 'warning' };
  }
  const ageValue: UsedValue = { concept: AGE, value: age };
  const dose = draftDose(draft, 'mg');
  if (dose === undefined) {
    if (age < AGE_LIMIT_YEARS) return undefined; // below 75 only an info card could follow
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: 'dose-unknown',
      params: { drug: draft.display, age },
      values: [ageValue],
      missing: [DRAFT_DOSE],
      indicator: 'warning',
    };
  }
  const values = [ageValue, usedDraftDose(draft, dose, 'mg')];
  const params = { drug: draft.display, age, dose };

  if (age > AGE_LIMIT_YEARS && dose > DOSE_OVER_75_MG) {
    // The update writes a weekly schedule: offered only when the order is weekly already, so a
    // suggestion never changes the frequency.
    const weekly = schedule === 'weekly';
    return {
      ...base,
      outcome: 'fired',
      variant: weekly ? 'reduce-over-75' : 'reduce-over-75-schedule-unknown',
      params,
      values,
      missing: [],
      criteriaMet: [CRITERIA.ageOver75, CRITERIA.doseAbove20],
      indicator: 'warning',
      ...(weekly ? { suggestions: [{ template: 'update-to-20mg', targetRef: draft.ref }] } : {}),
    };
  }
  if (age === AGE_LIMIT_YEARS && dose > DOSE_OVER_75_MG) {
    // C-18: 75 is in neither «<75» nor «>75»; read as the 40 mg band, with an info card.
    return { ...base, outcome: 'fired', variant: 'boundary-75', params, values, missing: [], criteriaMet: [CRITERIA.ageExactly75, CRITERIA.doseAbove20], indicator: 'info' };
  }
  if (age < AGE_LIMIT_YEARS && dose < DOSE_UNDER_75_MG) {
    // «Steroider (deksametason og prednisolon bør dosereduseres først ved intoleranse)»: allowed, shown as info.
    return { ...base, outcome: 'fired', variant: 'reduced-under-75', params, values, missing: [], criteriaMet: [CRITERIA.ageUnder75, CRITERIA.doseBelow40], indicator: 'info' };
  }
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, _ctx: EvaluationContext): Finding[] {
  const drafts = medicationDrafts(snapshot, [DEXAMETHASONE]);
  // MD-scope: a myeloma regimen; dexamethasone as premedication before a bispecific is not one.
  if (drafts.length === 0 || !inMyelomaScope(snapshot) || isOnOrOrdered(snapshot, [BISPECIFIC])) return [];
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const draft of drafts) {
    if (seen.has(draft.ref)) continue;
    seen.add(draft.ref);
    const f = findingFor(snapshot, draft);
    if (f) out.push(f);
  }
  return out;
}

export const doseDexamethasoneAge: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['patient', 'conditions', 'medicationRequests'],
  evaluate,
};
