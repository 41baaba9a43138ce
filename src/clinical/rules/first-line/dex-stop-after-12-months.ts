import type { EvaluationContext, Finding, PatientSnapshot, Rule } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { currentMedications, draftsWith, usedMedication } from '../support/medications.js';
import { courseStart } from '../support/regimen-dose.js';
import { isValidDate } from '../support/time.js';
import { calendarDaysBetween, medicationDrafts } from './context.js';

// Catalogue A.6 `dex-stop-after-12-months`, seed [003] non-HMAS Dara-VRd, Isa-VRd and DRd tables: «Lav terskel
// for å seponere deksametason etter 12 måneder.» An info card on a dexamethasone order once the continuous
// course has run for 12 months.

export const RULE_ID = 'dex-stop-after-12-months';

/** «etter 12 måneder», read as 365 days from the first dose of the continuous course (proposal). */
export const AFTER_DAYS = 365;

const DEXAMETHASONE = 'drug:dexamethasone';
const CD38 = ['drug:daratumumab', 'drug:isatuximab'];
const LENALIDOMIDE = 'drug:lenalidomide';
const HMAS = ['proc:hmas', 'proc:hsct'];
const COURSE_START = 'course-start';

const onOrDrafted = (s: PatientSnapshot, concepts: readonly string[]): boolean =>
  currentMedications(s, concepts).length > 0 || draftsWith(s, concepts, false).length > 0;

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  // The continuous non-HMAS regimens: a CD38 antibody with lenalidomide, no HMAS done.
  if (!inMyelomaScope(snapshot) || !onOrDrafted(snapshot, CD38) || !onOrDrafted(snapshot, [LENALIDOMIDE])) return [];
  if (snapshot.procedures.some((p) => p.source === 'Procedure' && p.status === 'completed' && p.concepts.some((c) => HMAS.includes(c)))) return [];
  const out: Finding[] = [];
  for (const draft of medicationDrafts(snapshot, [DEXAMETHASONE])) {
    const at = isValidDate(draft.medication?.date) ? (draft.medication?.date) : ctx.now;
    const start = courseStart(snapshot, [DEXAMETHASONE], at);
    const startAt = start ? (start.occurredAt ?? start.date) : undefined;
    // Start date unknown -> no card (catalogue).
    if (!start || !startAt) continue;
    const days = calendarDaysBetween(startAt, at);
    if (days < AFTER_DAYS) continue;
    out.push({
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: draft.ref,
      variant: 'default',
      params: { months: Math.round(days / 30.4375) },
      values: [usedMedication(start, COURSE_START)],
      missing: [],
      indicator: 'info',
    });
  }
  return out;
}

export const dexStopAfter12Months: Rule = {
  id: RULE_ID,
  hooks: ['order-sign'],
  needs: ['conditions', 'medicationRequests', 'medicationAdministrations', 'procedures'],
  evaluate,
};
