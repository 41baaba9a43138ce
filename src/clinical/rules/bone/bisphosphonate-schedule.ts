import type { EvaluationContext, Finding, Indicator, MedicationEntry, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { latestLab, usedLab } from '../support/labs.js';
import { administrationsOf, currentMedications, hasConcept, lastAdministered, usedMedication } from '../support/medications.js';
import { daysBetween } from '../support/time.js';
import { addYears } from '../support/calendar.js';

// Catalogue A.10 `bisphosphonate-schedule`: zoledronic acid every 4 weeks, the 12-dose decision,
// the 4-year total, and no bisphosphonate at GFR < 30. Seed [003] «Bisfosfonater og denosumab».

export const RULE_ID = 'bisphosphonate-schedule';

const ZOLEDRONIC_ACID = 'drug:zoledronic-acid';
const BISPHOSPHONATE = 'class:bisphosphonate';
const EGFR = 'lab:egfr';
const EGFR_UNIT = 'mL/min/{1.73_m2}';
const EGFR_LOINC = '98979-8';

/** «Bisfosfonater anbefales ikke hvis GFR<30 ml/min.» (lab-reported eGFR, C-36; exactly 30 is allowed, C-17) */
export const GFR_NOT_RECOMMENDED_BELOW = 30;
/** «Zoledronat 4 mg iv. over 15 min hver 4. uke.» */
export const DOSING_INTERVAL_DAYS = 28;
/** «kan behandlingen avsluttes etter 12 doser» / «etter minst 12 doser» */
export const DOSES_BEFORE_DECISION = 12;
/** «og kontinuere til behandlingen er gitt i 4 år» */
export const TOTAL_YEARS = 4;
/** A.0.5 (proposal): dosing labs (eGFR) no more than 14 days before the order. */
export const EGFR_MAX_AGE_DAYS = 14;

export type ScheduleVariant = 'gfr-below-30' | 'four-years' | 'interval-short' | 'after-12' | 'dose-n';

const WARNING_VARIANTS = new Set<ScheduleVariant>(['gfr-below-30', 'interval-short']);

interface Subject {
  subject: string;
  medication: MedicationEntry;
  /** The draft order to replace, on the order hooks. */
  draftRef?: string;
}

function subjects(snapshot: PatientSnapshot, ctx: EvaluationContext): Subject[] {
  if (ctx.hook === 'patient-view') {
    const current = currentMedications(snapshot, [BISPHOSPHONATE]);
    // Zoledronic acid first: its schedule is the one the seed gives.
    const medication = current.find((m) => hasConcept(m, [ZOLEDRONIC_ACID])) ?? current[0];
    return medication ? [{ subject: 'patient', medication }] : [];
  }
  const out = new Map<string, Subject>();
  for (const d of snapshot.draftOrders) {
    if (d.inFocus && d.medication && hasConcept(d.medication, [BISPHOSPHONATE]) && !out.has(d.ref)) {
      out.set(d.ref, { subject: d.ref, medication: d.medication, draftRef: d.ref });
    }
  }
  return [...out.values()];
}

function evaluateSubject(s: Subject, snapshot: PatientSnapshot, ctx: EvaluationContext): Finding | undefined {
  const { now } = ctx;
  const lower = (i: Indicator): Indicator => (ctx.hook === 'order-select' ? 'info' : i);
  const values: UsedValue[] = [usedMedication(s.medication)];
  const base = { ruleId: RULE_ID, subject: s.subject, values, params: { drug: s.medication.display } as Record<string, string | number> };
  const removeDraft: SuggestionRequest[] = s.draftRef ? [{ template: 'delete-draft', targetRef: s.draftRef }] : [];

  const egfr = latestLab(snapshot, EGFR, EGFR_UNIT, now, EGFR_MAX_AGE_DAYS);
  if (!egfr) {
    // MD-warn: a bisphosphonate dose without a current eGFR is an unchecked order.
    return {
      ...base,
      outcome: 'not-evaluable',
      variant: 'default',
      indicator: lower('warning'),
      missing: [EGFR],
      suggestions: [{ template: 'order-lab', params: { concept: EGFR, loinc: EGFR_LOINC } }],
    };
  }
  values.push(usedLab(egfr));
  base.params.egfr = egfr.value;

  if (egfr.value < GFR_NOT_RECOMMENDED_BELOW) {
    return {
      ...base,
      outcome: 'fired',
      variant: 'gfr-below-30',
      indicator: lower('warning'),
      missing: [],
      criteriaMet: ['egfr-below-30'],
      ...(removeDraft.length > 0 ? { suggestions: removeDraft } : {}),
    };
  }
  // The seed's schedule is for zoledronic acid; other bisphosphonates are only checked against GFR.
  if (!hasConcept(s.medication, [ZOLEDRONIC_ACID])) return undefined;

  const criteriaMet: string[] = [];
  const criteriaNotMet: string[] = ['egfr-below-30'];
  if (egfr.value === GFR_NOT_RECOMMENDED_BELOW) criteriaMet.push('egfr-at-30');

  const given = administrationsOf(snapshot, [ZOLEDRONIC_ACID]).filter((a) => {
    const at = a.occurredAt ?? a.date;
    return at !== undefined && at.getTime() <= now.getTime();
  });
  const doses = given.length;
  base.params.doses = doses;
  values.push({ concept: 'doses-given', value: doses });
  const last = lastAdministered(snapshot, [ZOLEDRONIC_ACID]);
  if (last) values.push(usedMedication(last.entry, 'last-dose'));
  const first = given.reduce<Date | undefined>((acc, a) => {
    const at = (a.occurredAt ?? a.date) as Date;
    return !acc || at.getTime() < acc.getTime() ? at : acc;
  }, undefined);

  let variant: ScheduleVariant;
  let suggestions: SuggestionRequest[] = [];
  if (first && now.getTime() >= addYears(first, TOTAL_YEARS).getTime()) {
    variant = 'four-years';
    criteriaMet.push('four-years');
    suggestions = removeDraft;
  } else if (s.draftRef && last && daysBetween(last.at, now) < DOSING_INTERVAL_DAYS) {
    variant = 'interval-short';
    base.params.days = Math.floor(daysBetween(last.at, now));
    criteriaMet.push('interval-short');
    suggestions = removeDraft;
  } else if (doses >= DOSES_BEFORE_DECISION) {
    variant = 'after-12';
    criteriaMet.push('twelve-doses');
    suggestions = s.draftRef ? [{ template: 'create-zoledronic-acid-3-monthly' }, ...removeDraft] : [];
  } else {
    variant = 'dose-n';
    base.params.next = doses + 1;
    criteriaNotMet.push('twelve-doses');
  }
  return {
    ...base,
    outcome: 'fired',
    variant,
    indicator: lower(WARNING_VARIANTS.has(variant) ? 'warning' : 'info'),
    missing: [],
    criteriaMet,
    criteriaNotMet,
    ...(suggestions.length > 0 ? { suggestions } : {}),
  };
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  return subjects(snapshot, ctx)
    .map((s) => evaluateSubject(s, snapshot, ctx))
    .filter((f): f is Finding => f !== undefined);
}

export const bisphosphonateSchedule: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: ['observations', 'medicationRequests', 'medicationStatements', 'medicationAdministrations'],
  evaluate,
};
