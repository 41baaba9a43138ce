import type { EvaluationContext, Finding, PatientSnapshot, Rule, UsedValue } from '../../types.js';
import { currentConditions, usedCondition } from '../support/conditions.js';
import { addMonths } from '../support/calendar.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate, isoDate } from '../support/time.js';
import { antiMyelomaExposures, inResponseScope } from '../response/context.js';
import { progressionEvents } from '../response/refractory-60-days.js';
import { classifyResponse, type Category } from '../response/response-category.js';
import { previousTransplants } from './relapse-hmas-eligibility.js';

// Catalogue A.6 `allo-sct-eligibility`, reading C-22 (the three criteria are cumulative). Seed [003]
// «Allogen stamcelletransplantasjon», «Anbefaling»: «Allogen stamcelletransplantasjon kan gis til
// pasienter som fyller følgende kriterier: - Alder <55 år - Aggressiv sykdom definert som progresjon
// før HMAS eller innen 6 måneder etter HMAS, eller plasmacelleleukemi - Minst VGPR på første- eller
// andrelinjebehandling når man går til allogen stamcelletransplantasjon».

export const RULE_ID = 'allo-sct-eligibility';

/** «Alder <55 år» */
export const AGE_BELOW = 55;
/** «innen 6 måneder etter HMAS» (calendar months, inclusive: proposal). */
export const AGGRESSIVE_WITHIN_MONTHS_AFTER_HMAS = 6;
/** «Minst VGPR»: VGPR or better. */
export const AT_LEAST_VGPR: readonly Category[] = ['MRD-negative', 'sCR', 'CR', 'VGPR'];

const PCL = 'cond:plasma-cell-leukaemia';
export const MISSING = { birthDate: 'birth-date', hmasDate: 'hmas-date', response: 'response-vgpr' } as const;

type Aggressive = { kind: 'pcl' | 'before-hmas' | 'within-6-months'; values: UsedValue[] } | { kind: 'hmas-unknown'; values: UsedValue[] };

const day = (d: Date): string => isoDate(d);

/** The aggressive-disease criterion, or undefined when it is not met. */
function aggressiveDisease(snapshot: PatientSnapshot, now: Date): Aggressive | undefined {
  const pcl = currentConditions(snapshot, [PCL])[0];
  if (pcl) return { kind: 'pcl', values: [usedCondition(pcl)] };
  const events = progressionEvents(snapshot, now);
  if (events.length === 0) return undefined;
  const transplant = previousTransplants(snapshot, now).find((p) => isValidDate(p.date));
  const progressionValues = events.map((e): UsedValue => ({ concept: 'progression-date', value: day(e.date), date: e.date }));
  // A progression with no dated HMAS on record: whether it came before HMAS cannot be told.
  if (!transplant?.date) return { kind: 'hmas-unknown', values: progressionValues };
  const hmasDay = day(transplant.date);
  const limitDay = day(addMonths(transplant.date, AGGRESSIVE_WITHIN_MONTHS_AFTER_HMAS));
  const hmasValue: UsedValue = { concept: 'hmas-date', value: hmasDay, date: transplant.date, source: sourceOf(transplant.ref) };
  const before = events.find((e) => day(e.date) < hmasDay);
  if (before) return { kind: 'before-hmas', values: [hmasValue, { concept: 'progression-date', value: day(before.date), date: before.date }] };
  const within = events.find((e) => day(e.date) <= limitDay);
  if (within) return { kind: 'within-6-months', values: [hmasValue, { concept: 'progression-date', value: day(within.date), date: within.date }] };
  return undefined;
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (!inResponseScope(snapshot)) return [];
  // «på første- eller andrelinjebehandling»: before any treatment there is no response to judge.
  if (antiMyelomaExposures(snapshot).length === 0) return [];
  const age = snapshot.ageYears;
  if (age !== undefined && age >= AGE_BELOW) return [];
  const aggressive = aggressiveDisease(snapshot, ctx.now);
  if (!aggressive) return [];

  const response = classifyResponse(snapshot, ctx.now);
  const category = response?.category;
  // Below VGPR but responding (PR, MR, SD): the criterion is not met (yet); no card (C-22).
  if (category !== undefined && category !== 'PD' && !AT_LEAST_VGPR.includes(category)) return [];

  const missing: string[] = [];
  if (age === undefined) missing.push(MISSING.birthDate);
  if (aggressive.kind === 'hmas-unknown') missing.push(MISSING.hmasDate);
  // PD (the next line has not responded yet) or no category: the response criterion is open.
  if (category === undefined || category === 'PD') missing.push(MISSING.response);
  const values: UsedValue[] = [
    ...(age !== undefined ? [{ concept: 'age', value: age, unit: 'a' }] : []),
    ...aggressive.values,
    ...(category ? [{ concept: 'response', value: category }] : []),
  ];
  const met = [
    ...(age !== undefined ? ['age-below-55'] : []),
    ...(aggressive.kind !== 'hmas-unknown' ? [`aggressive-${aggressive.kind}`] : []),
    ...(category && AT_LEAST_VGPR.includes(category) ? ['at-least-vgpr'] : []),
  ];
  if (missing.length > 0) {
    return [{ ruleId: RULE_ID, outcome: 'not-evaluable', subject: 'patient', variant: 'default', params: { ...(age !== undefined ? { age } : {}) }, values, missing, criteriaMet: met }];
  }
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: aggressive.kind,
      params: { age: age as number, category: category as string },
      values,
      missing: [],
      criteriaMet: met,
    },
  ];
}

export const alloSctEligibility: Rule = {
  id: RULE_ID,
  hooks: ['patient-view'],
  needs: ['patient', 'conditions', 'observations', 'medicationRequests', 'medicationAdministrations', 'procedures'],
  evaluate,
};
