import type { DraftOrder, EvaluationContext, Finding, PatientSnapshot, ProcedureEntry, Rule, UsedValue } from '../../types.js';
import { inMyelomaScope } from '../support/conditions.js';
import { everExposed } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { type SeedDose, bodySize, checkDose, doseFinding } from '../support/regimen-dose.js';
import { isValidDate } from '../support/time.js';
import { calendarDaysBetween, medicationDrafts } from './context.js';

// Catalogue A.6 `maintenance-lenalidomide`, seed [003] «Vedlikeholdsbehandling etter HMAS.»: «Det anbefales
// oppstart av vedlikeholdsbehandling med lenalidomid 8-14 uker etter HMAS.»; «Lenalidomid vedlikehold
// Sykluslengde: 28 dager. Gjentas til progresjon eller uakseptabel toksisitet. Lenalidomid (peroralt) Hvis
// dårlig toleranse under induksjon: 15 mg 10 mg Dag 1-21» (C-21: 15 mg, 10 mg if poorly tolerated).

export const RULE_ID = 'maintenance-lenalidomide';

/** «8-14 uker etter HMAS», in days: from day 56 through day 98 (proposal: both ends inclusive). */
export const START_FROM_DAY = 56;
export const START_BY_DAY = 98;
/** «15 mg» (C-21 reading). */
export const MAINTENANCE_DOSE: SeedDose = { value: 15, unit: 'mg' };
/** «Hvis dårlig toleranse under induksjon: … 10 mg» */
export const REDUCED_DOSE: SeedDose = { value: 10, unit: 'mg' };

/** (proposal) Beyond this many days after HMAS a first lenalidomide order is not read as maintenance. */
export const MAINTENANCE_START_WITHIN_DAYS = 365;

const LENALIDOMIDE = 'drug:lenalidomide';
const HMAS = ['proc:hmas', 'proc:hsct'];
const HMAS_DATE = 'hmas-date';

/** The newest HMAS done (completed Procedure), with or without a date. */
function lastHmas(snapshot: PatientSnapshot): ProcedureEntry | undefined {
  const done = snapshot.procedures.filter((p) => p.source === 'Procedure' && p.status === 'completed' && p.concepts.some((c) => HMAS.includes(c)));
  return done.sort((a, b) => (b.date?.getTime() ?? 0) - (a.date?.getTime() ?? 0))[0];
}

function findingFor(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder, hmas: ProcedureEntry): Finding | undefined {
  const base = { ruleId: RULE_ID, subject: draft.ref };
  const params: Record<string, string | number> = { drug: draft.display };
  if (!isValidDate(hmas.date)) {
    // MD-info: the timing cannot be checked; the dose still can.
    const dose = ctx.hook === 'order-sign' ? doseCheck(snapshot, ctx, draft, params, []) : undefined;
    return dose ?? { ...base, outcome: 'not-evaluable', variant: 'default', params, values: [], missing: [HMAS_DATE], indicator: 'info' };
  }
  const at = isValidDate(draft.medication?.date) ? (draft.medication?.date) : ctx.now;
  const days = calendarDaysBetween(hmas.date, at);
  const week = Math.floor(days / 7);
  const values: UsedValue[] = [{ concept: HMAS_DATE, value: hmas.display, date: hmas.date, source: sourceOf(hmas.ref) }];
  Object.assign(params, { week, days });
  // Only the first maintenance order is timed: once lenalidomide was given or ordered after HMAS, the course runs.
  const started = everExposed(snapshot, [LENALIDOMIDE]).some((m) => {
    const when = m.occurredAt ?? m.date;
    return isValidDate(when) && when.getTime() > (hmas.date as Date).getTime() && when.getTime() < at.getTime();
  });
  // (proposal) A first lenalidomide order more than a year after HMAS is read as relapse therapy, not maintenance.
  if (!started && days > MAINTENANCE_START_WITHIN_DAYS) return undefined;
  if (ctx.hook === 'order-select') {
    return { ...base, outcome: 'fired', variant: 'regimen', params, values, missing: [], indicator: 'info' };
  }
  const dose = doseCheck(snapshot, ctx, draft, params, values);
  if (dose) return dose;
  if (started || (days >= START_FROM_DAY && days <= START_BY_DAY)) return undefined;
  return {
    ...base,
    outcome: 'fired',
    variant: days < START_FROM_DAY ? 'early' : 'late',
    params,
    values,
    missing: [],
    criteriaNotMet: ['start-8-14-weeks'],
    indicator: 'info',
  };
}

/** 15 mg, or 10 mg (poor tolerance), else a dose finding against 15 mg. */
function doseCheck(snapshot: PatientSnapshot, ctx: EvaluationContext, draft: DraftOrder, params: Record<string, string | number>, values: UsedValue[]): Finding | undefined {
  const body = bodySize(snapshot, ctx.now);
  if (checkDose(draft, REDUCED_DOSE, body).status === 'ok') return undefined;
  return doseFinding(RULE_ID, draft, MAINTENANCE_DOSE, body, 'lenalidomide-15', params, values);
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inMyelomaScope(snapshot)) return [];
  const hmas = lastHmas(snapshot);
  if (!hmas) return [];
  const out: Finding[] = [];
  for (const draft of medicationDrafts(snapshot, [LENALIDOMIDE])) {
    const f = findingFor(snapshot, ctx, draft, hmas);
    if (f) out.push(f);
  }
  return out;
}

export const maintenanceLenalidomide: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['conditions', 'procedures', 'medicationRequests', 'medicationAdministrations', 'medicationStatements'],
  evaluate,
};
