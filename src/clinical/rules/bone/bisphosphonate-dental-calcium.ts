import type { DataDomain, EvaluationContext, Finding, Indicator, MedicationEntry, PatientSnapshot, ProcedureEntry, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { currentMedications, draftsWith, everExposed, usedMedication } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';
import { addMonths } from '../support/calendar.js';

// Catalogue A.10 `bisphosphonate-dental-calcium`: dental assessment before a bisphosphonate or
// denosumab and every 6 months, and calcium with vitamin D. Seed [003] «Bisfosfonater og denosumab».

export const RULE_ID = 'bisphosphonate-dental-calcium';

/** «Både bisfosfonater og denosumab kan gi osteonekrose i kjeven» */
const BONE_AGENTS = ['class:bisphosphonate', 'drug:denosumab'];
const DENTAL = 'proc:dental-assessment';
/** «skal vurderes av tannlege før oppstart av bisfosfonat, og deretter hver 6. måned» */
export const DENTAL_INTERVAL_MONTHS = 6;
/** «Kalsiumpreparat med D-vitamin, dosering 1000/800»: the combination, or both components. */
const CALCIUM_D_COMBINATION = 'drug:calcium-vitamin-d';
const CALCIUM = 'drug:calcium-carbonate';
const VITAMIN_D = 'drug:colecalciferol';

const PROCEDURE_NOT_DONE = new Set(['not-done', 'entered-in-error', 'cancelled', 'revoked']);
/** A referral that is ordered (active, or done as requested) settles the reminder; a draft in this session too. */
const REQUEST_COUNTS = new Set(['active', 'completed', 'draft']);

const MEDICATION_DOMAINS: DataDomain[] = ['medicationRequests', 'medicationStatements', 'medicationAdministrations'];

export type DentalVariant = 'dental-before-start' | 'dental-missing' | 'dental-overdue' | 'calcium-vitamin-d';

/** The newest dental assessment done, or referral ordered, up to now. */
function lastDental(snapshot: PatientSnapshot, now: Date): ProcedureEntry | undefined {
  const counts = (p: ProcedureEntry): boolean =>
    p.concepts.includes(DENTAL) &&
    (p.source === 'Procedure' ? !(p.status !== undefined && PROCEDURE_NOT_DONE.has(p.status)) : p.status === undefined || REQUEST_COUNTS.has(p.status));
  const drafted = snapshot.draftOrders.map((d) => d.procedure).filter((p): p is ProcedureEntry => p !== undefined);
  let best: ProcedureEntry | undefined;
  for (const p of [...snapshot.procedures, ...drafted]) {
    if (!counts(p)) continue;
    // A referral drafted in this session has no date yet: it is being ordered now.
    const date = isValidDate(p.date) ? p.date : p.source === 'draft' ? now : undefined;
    if (!date || date.getTime() > now.getTime()) continue;
    if (!best || date.getTime() > (best.date ?? now).getTime()) best = { ...p, date };
  }
  return best;
}

function hasCalciumVitaminD(snapshot: PatientSnapshot): boolean {
  const active = new Set(['active']);
  const on = (concepts: string[]): boolean => currentMedications(snapshot, concepts, active).length > 0 || draftsWith(snapshot, concepts, false).length > 0;
  return on([CALCIUM_D_COMBINATION]) || (on([CALCIUM]) && on([VITAMIN_D]));
}

interface Trigger {
  subject: string;
  medication: MedicationEntry;
  /** Order-sign of the first bisphosphonate or denosumab: the dental assessment must come before it. */
  firstDose: boolean;
}

function trigger(snapshot: PatientSnapshot, ctx: EvaluationContext): Trigger[] {
  if (ctx.hook === 'patient-view') {
    const medication = currentMedications(snapshot, BONE_AGENTS)[0];
    return medication ? [{ subject: 'patient', medication, firstDose: false }] : [];
  }
  // Order-sign: only the start of treatment; the 6-monthly check is a patient-view reminder. Without
  // the medication history the order is taken as a start (the dental check must then be on record).
  const historyKnown = !MEDICATION_DOMAINS.some((d) => snapshot.unavailable.includes(d));
  if (historyKnown && everExposed(snapshot, BONE_AGENTS).length > 0) return [];
  const seen = new Set<string>();
  const out: Trigger[] = [];
  for (const d of draftsWith(snapshot, BONE_AGENTS, true)) {
    if (seen.has(d.ref) || !d.medication) continue;
    seen.add(d.ref);
    out.push({ subject: d.ref, medication: d.medication, firstDose: true });
  }
  return out;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  const triggers = trigger(snapshot, ctx);
  if (triggers.length === 0) return [];
  const dental = lastDental(snapshot, ctx.now);
  const dentalCurrent = dental?.date !== undefined && dental.date.getTime() >= addMonths(ctx.now, -DENTAL_INTERVAL_MONTHS).getTime();
  const dentalUnknown = snapshot.unavailable.includes('procedures');
  // Without the medication list a calcium + vitamin D order cannot be excluded, so none is suggested.
  const calciumUnknown = (['medicationRequests', 'medicationStatements'] as DataDomain[]).some((d) => snapshot.unavailable.includes(d));
  const calciumOk = calciumUnknown || hasCalciumVitaminD(snapshot);

  return triggers.flatMap((t): Finding[] => {
    const values: UsedValue[] = [usedMedication(t.medication)];
    if (dental) values.push({ concept: DENTAL, value: dental.display, ...(dental.date ? { date: dental.date } : {}), source: sourceOf(dental.ref) });
    if (dentalUnknown) {
      // MD-warn: the dental history could not be obtained.
      return [
        {
          ruleId: RULE_ID,
          outcome: 'not-evaluable',
          subject: t.subject,
          variant: 'default',
          indicator: 'warning',
          params: { drug: t.medication.display },
          values,
          missing: ['domain:procedures'],
          ...(calciumOk ? {} : { criteriaNotMet: ['calcium-vitamin-d'], suggestions: [{ template: 'create-calcium-vitamin-d' }] }),
        },
      ];
    }
    let variant: DentalVariant | undefined;
    let indicator: Indicator = 'info';
    if (!dentalCurrent) {
      if (t.firstDose) variant = 'dental-before-start';
      else variant = dental ? 'dental-overdue' : 'dental-missing';
      indicator = variant === 'dental-overdue' ? 'info' : 'warning';
    } else if (!calciumOk) variant = 'calcium-vitamin-d';
    if (!variant) return [];

    const suggestions: SuggestionRequest[] = [];
    if (!dentalCurrent) suggestions.push({ template: 'create-dental-referral' });
    if (!calciumOk) suggestions.push({ template: 'create-calcium-vitamin-d' });
    return [
      {
        ruleId: RULE_ID,
        outcome: 'fired',
        subject: t.subject,
        variant,
        indicator,
        params: { drug: t.medication.display },
        values,
        missing: [],
        criteriaMet: [...(dentalCurrent ? ['dental-within-6-months'] : []), ...(calciumOk ? ['calcium-vitamin-d'] : [])],
        criteriaNotMet: [...(dentalCurrent ? [] : ['dental-within-6-months']), ...(calciumOk ? [] : ['calcium-vitamin-d'])],
        suggestions,
      },
    ];
  });
}

export const bisphosphonateDentalCalcium: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-sign'],
  needs: ['procedures', 'medicationRequests', 'medicationStatements', 'medicationAdministrations'],
  handlesUnavailable: true,
  evaluate,
};
