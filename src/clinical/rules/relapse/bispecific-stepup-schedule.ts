import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { bispecificPhases, calendarDaysBetween, expectedDose, givenAt, hoursBetween, sameDose, type BispecificPhase } from './context.js';
import { usedMedication } from '../support/medications.js';

// Catalogue A.7 `bispecific-stepup-schedule`. Seed [003] «Teklistamab», «Elranatamab», «Talkvetamab»:
// step-up doses on «Dag 1 … Dag 3 (… Dag 5)» and «Det må gå minst 48|72 timer fra 2.|3.
// opptrappingdose og første fulldose» («må» → critical when shorter; dose deviations → warning).
// The protocols (doses, gaps) live in regimen-safety-bispecific.ts. Full-dose cycle schedules
// (C1 weekly, C2 every 2 weeks, C3+ monthly) are not checked here.

export const RULE_ID = 'bispecific-stepup-schedule';

/** Step-up n is due on day 1 + 2(n − 1): two calendar days after the previous one («Dag 1, Dag 3, Dag 5»). */
export const STEP_UP_DAY_INTERVAL = 2;
/**
 * (proposal) A dose more than 1.5 times the protocol dose of its step is an ordering error with a
 * risk of severe CRS/ICANS: critical, not a deviation to weigh.
 */
export const OVERDOSE_FACTOR = 1.5;

function hoursRounded(h: number): number {
  return Math.floor(h * 10) / 10;
}

function check(p: BispecificPhase, ctx: EvaluationContext): Finding | undefined {
  const drug = p.medication.display;
  const values: UsedValue[] = [usedMedication(p.medication, p.protocol.drug), ...p.prior.map((a) => usedMedication(a, 'administration'))];
  const base = { ruleId: RULE_ID, subject: p.draft.ref, values, missing: [] as string[] };
  if (p.kind === 'maintenance') return undefined;
  const last = p.prior[p.prior.length - 1];
  const lastAt = last ? givenAt(last) : undefined;

  if (p.kind === 'first-full') {
    if (!lastAt) {
      // MD-warn: the gap to the last step-up cannot be checked.
      return { ...base, outcome: 'not-evaluable', variant: 'default', params: { drug }, missing: ['domain:medicationAdministrations'], criteriaMet: ['first-full-dose'], indicator: 'warning' };
    }
    const gap = hoursBetween(lastAt, p.plannedAt);
    if (gap < p.protocol.minGapHours) {
      return {
        ...base,
        outcome: 'fired',
        variant: 'gap',
        params: { drug, hours: hoursRounded(gap), minimum: p.protocol.minGapHours },
        criteriaMet: ['first-full-dose'],
        criteriaNotMet: ['minimum-gap'],
        suggestions: [{ template: 'remove-dose', targetRef: p.draft.ref }],
        indicator: 'critical',
      };
    }
  }

  if (p.kind === 'step-up' && p.stepUp !== undefined && p.stepUp > 1) {
    const first = p.prior[0];
    const firstAt = first ? givenAt(first) : undefined;
    if (!firstAt) {
      return { ...base, outcome: 'not-evaluable', variant: 'default', params: { drug }, missing: ['domain:medicationAdministrations'], criteriaMet: ['step-up-dose'], indicator: 'warning' };
    }
    const day = calendarDaysBetween(firstAt, p.plannedAt) + 1;
    const expectedDay = 1 + STEP_UP_DAY_INTERVAL * (p.stepUp - 1);
    if (day < expectedDay) {
      return {
        ...base,
        outcome: 'fired',
        variant: 'early-step-up',
        params: { drug, step: p.stepUp, day, expectedDay },
        criteriaMet: ['step-up-dose'],
        criteriaNotMet: ['step-up-day'],
        suggestions: [{ template: 'remove-dose', targetRef: p.draft.ref }],
        indicator: ctx.hook === 'order-select' ? 'info' : 'warning',
      };
    }
  }

  // Dose check where the draft states the dose in the seed's unit (mg or mg/kg); a dose in another
  // unit (mg for a mg/kg drug) needs the weight and is not compared here.
  const dose = p.medication.dose;
  const expected = expectedDose(p);
  if (dose && dose.unit === expected.unit && dose.value > expected.value * OVERDOSE_FACTOR + 1e-9) {
    return {
      ...base,
      outcome: 'fired',
      variant: 'overdose',
      params: { drug, dose: dose.value, expected: expected.value, unit: expected.unit, factor: Math.round((dose.value / expected.value) * 10) / 10 },
      criteriaMet: [p.kind === 'step-up' ? 'step-up-dose' : 'first-full-dose'],
      criteriaNotMet: ['seed-dose'],
      suggestions: [{ template: 'remove-dose', targetRef: p.draft.ref }],
      indicator: 'critical',
    };
  }
  if (dose && dose.unit === expected.unit && !sameDose(dose, expected)) {
    return {
      ...base,
      outcome: 'fired',
      variant: 'dose',
      params: { drug, dose: dose.value, expected: expected.value, unit: expected.unit },
      criteriaMet: [p.kind === 'step-up' ? 'step-up-dose' : 'first-full-dose'],
      criteriaNotMet: ['seed-dose'],
      indicator: ctx.hook === 'order-select' ? 'info' : 'warning',
    };
  }
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  return bispecificPhases(snapshot, ctx)
    .map((p) => check(p, ctx))
    .filter((f): f is Finding => f !== undefined);
}

export const bispecificStepupSchedule: Rule = {
  id: RULE_ID,
  hooks: ['order-select', 'order-sign'],
  needs: ['medicationAdministrations'],
  evaluate,
};
