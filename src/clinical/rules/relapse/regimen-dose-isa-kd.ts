import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { currentMedications, draftsWith, hasConcept, usedMedication } from '../support/medications.js';
import { type SeedDose, bodySize, courseStart, cycleDay, doseFinding } from '../support/regimen-dose.js';
import { isValidDate } from '../support/time.js';

// Catalogue A.7 `regimen-dose-isa-kd`, seed [003] «Isatuximab, karfilzomib, deksametason (Isa-Kd)»:
// «Isatuximab (intravenøst) 10 mg/kg …»; «Karfilzomib (intravenøst) 20 mg/m2 70 mg/m2 Syklus 1: Dag 1:
// 20 mg/m2, dag 8, 15: 70 mg/m2 Syklus 2 og videre: 70 mg/m2 dag 1, 8, 15». Dexamethasone by age is
// `dose-dexamethasone-age`; isatuximab premedication is `premed-cd38`.

export const RULE_ID = 'regimen-dose-isa-kd';

/** «Sykluslengde: 28 dager» */
export const CYCLE_DAYS = 28;
const CARFILZOMIB = 'drug:carfilzomib';
const ISATUXIMAB = 'drug:isatuximab';

/** «Syklus 1: Dag 1: 20 mg/m2» */
export const CARFILZOMIB_C1D1: SeedDose = { value: 20, unit: 'mg/m2' };
/** «dag 8, 15: 70 mg/m2 Syklus 2 og videre: 70 mg/m2» */
export const CARFILZOMIB_FULL: SeedDose = { value: 70, unit: 'mg/m2' };
/** «Isatuximab (intravenøst) 10 mg/kg» */
export const ISATUXIMAB_DOSE: SeedDose = { value: 10, unit: 'mg/kg' };

const COURSE_START = 'course-start';
const CYCLE = 'cycle';

const onOrDrafted = (s: PatientSnapshot, concept: string): boolean =>
  currentMedications(s, [concept]).length > 0 || draftsWith(s, [concept], false).length > 0;

function findingFor(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder): Finding | undefined {
  const med = draft.medication;
  if (!med) return undefined;
  const carfilzomib = hasConcept(med, [CARFILZOMIB]);
  const at = isValidDate(med.date) ? med.date : ctx.now;
  // No administration of the regimen in the last 42 days: this order starts a course, cycle 1 day 1 (proposal).
  const start = courseStart(snapshot, [CARFILZOMIB, ISATUXIMAB], at);
  const startAt = start ? (start.occurredAt ?? start.date) : undefined;
  const { cycle, day } = startAt ? cycleDay(startAt, at, CYCLE_DAYS) : { cycle: 1, day: 1 };
  const values: UsedValue[] = start ? [usedMedication(start, COURSE_START), { concept: CYCLE, value: `C${cycle}D${day}` }] : [{ concept: CYCLE, value: 'C1D1' }];
  const stepUp = carfilzomib && cycle === 1 && day === 1;
  const seed = carfilzomib ? (stepUp ? CARFILZOMIB_C1D1 : CARFILZOMIB_FULL) : ISATUXIMAB_DOSE;
  const params = { drug: draft.display, cycle, day };
  const component = carfilzomib ? (stepUp ? 'carfilzomib-20' : 'carfilzomib-70') : 'isatuximab';
  if (ctx.hook === 'order-select') {
    return { ruleId: RULE_ID, subject: draft.ref, outcome: 'fired', variant: `regimen-${component}`, params, values, missing: [], indicator: 'info' };
  }
  return doseFinding(RULE_ID, draft, seed, bodySize(snapshot, ctx.now), component, params, values);
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // Isa-Kd: carfilzomib and isatuximab together, on record or in this session.
  if (!inMyelomaScope(snapshot) || !onOrDrafted(snapshot, CARFILZOMIB) || !onOrDrafted(snapshot, ISATUXIMAB)) return [];
  const out: Finding[] = [];
  for (const draft of snapshot.draftOrders) {
    if (!draft.inFocus || !draft.medication || !hasConcept(draft.medication, [CARFILZOMIB, ISATUXIMAB])) continue;
    const f = findingFor(snapshot, ctx, draft);
    if (f) out.push(f);
  }
  return out;
}

export const regimenDoseIsaKd: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'observations', 'medicationRequests', 'medicationAdministrations'],
  evaluate,
};
