import { calendarDaysBetween } from '../../day.js';
import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { administrationsOf, hasConcept, usedMedication } from '../support/medications.js';
import { type SeedDose, bodySize, checkDose, doseFinding } from '../support/regimen-dose.js';
import { isValidDate } from '../support/time.js';

// Catalogue A.7 `regimen-dose-belantamab`, seed [003] «Belantamab mafodotin, pomalidomid, deksametason
// (BPd)» and «(BVd)»: «Sykluslengde: 56 dagers sykluser.»; «Belantamab mafodotin 2,5 mg/kg 1,9 mg/kg Dag 1 i
// syklus 1 Dag 1 i syklus 2 og videre»; «Hvis 1,9 mg/kg gir uholdbare øyesymptomer kan man forsøke med ett
// dosetrinn lavere (1,4 mg/kg).»; «Det gis derfor hver 8. uke som standard i Norge.» Pomalidomide is
// `regimen-dose-pcd`; eye safety is `belantamab-eye-safety`.

export const RULE_ID = 'regimen-dose-belantamab';

const BELANTAMAB = 'drug:belantamab-mafodotin';

/** «2,5 mg/kg … Dag 1 i syklus 1» */
export const FIRST_DOSE: SeedDose = { value: 2.5, unit: 'mg/kg' };
/** «1,9 mg/kg … Dag 1 i syklus 2 og videre» */
export const LATER_DOSE: SeedDose = { value: 1.9, unit: 'mg/kg' };
/** «ett dosetrinn lavere (1,4 mg/kg)»: accepted from cycle 2 on (the eye symptoms are the clinician's call). */
export const STEP_DOWN_DOSE: SeedDose = { value: 1.4, unit: 'mg/kg' };
/** «56 dagers sykluser», «hver 8. uke»: a dose less than 56 days after the last is too soon (proposal: strict). */
export const MIN_INTERVAL_DAYS = 56;
/** (proposal) A belantamab dose within the last 180 days means the course is running (cycle 2 or later). */
export const COURSE_WINDOW_DAYS = 180;

const LAST_DOSE = 'last-dose';

function findingFor(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder): Finding | undefined {
  const at = isValidDate(draft.medication?.date) ? (draft.medication?.date) : ctx.now;
  const last = administrationsOf(snapshot, [BELANTAMAB])
    .map((a) => ({ a, when: a.occurredAt ?? a.date }))
    .filter((x): x is { a: typeof x.a; when: Date } => isValidDate(x.when) && x.when.getTime() <= at.getTime())
    .sort((x, y) => y.when.getTime() - x.when.getTime())[0];
  // Calendar days in the clinical time zone («56 dagers sykluser»), not elapsed hours: the same on any time of day.
  const since = last ? calendarDaysBetween(last.when, at) : undefined;
  const running = since !== undefined && since <= COURSE_WINDOW_DAYS;
  const values: UsedValue[] = last ? [usedMedication(last.a, LAST_DOSE)] : [];
  const params: Record<string, string | number> = { drug: draft.display, ...(since !== undefined ? { since } : {}) };

  if (ctx.hook === 'order-select') {
    return { ruleId: RULE_ID, subject: draft.ref, outcome: 'fired', variant: running ? 'regimen-later' : 'regimen-first', params, values, missing: [], indicator: 'info' };
  }
  const body = bodySize(snapshot, ctx.now);
  let seed = running ? LATER_DOSE : FIRST_DOSE;
  if (running && checkDose(draft, STEP_DOWN_DOSE, body).status === 'ok') seed = STEP_DOWN_DOSE;
  const dose = doseFinding(RULE_ID, draft, seed, body, running ? 'later' : 'first', params, values);
  if (dose) return dose;
  if (running && since !== undefined && since < MIN_INTERVAL_DAYS) {
    return {
      ruleId: RULE_ID,
      subject: draft.ref,
      outcome: 'fired',
      variant: 'too-soon',
      params: { ...params, interval: MIN_INTERVAL_DAYS },
      values,
      missing: [],
      criteriaNotMet: ['interval-56-days'],
      indicator: 'warning',
    };
  }
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const out: Finding[] = [];
  for (const draft of snapshot.draftOrders) {
    if (!draft.inFocus || !draft.medication || !hasConcept(draft.medication, [BELANTAMAB])) continue;
    const f = findingFor(snapshot, ctx, draft);
    if (f) out.push(f);
  }
  return out;
}

export const regimenDoseBelantamab: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'observations', 'medicationAdministrations'],
  evaluate,
};
