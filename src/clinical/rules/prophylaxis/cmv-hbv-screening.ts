import type { DraftOrder, EvaluationContext, Finding, MedicationEntry, PatientSnapshot, Rule, SuggestionRequest, UsedValue } from '../../types.js';
import { BISPECIFIC, CAR_T, CAR_T_PROCEDURE, SYSTEMIC_STEROIDS, carTReinfusion, onBispecific, serviceOrdered, usedDraft } from './context.js';
import { labValues, usedLab } from '../support/labs.js';
import { administrationsOf, currentMedications, hasConcept, isOnOrOrdered, usedMedication } from '../support/medications.js';
import { daysBetween, isValidDate } from '../support/time.js';

// Catalogue A.9 `cmv-hbv-screening`. Seed [003] «Øvrig infeksjonsprofylakse»: «Cytomegalovirus» and
// «Hepatitt B virus», «Særlig anbefaling for CAR-T og bispesifikke antistoffer».

export const RULE_ID = 'cmv-hbv-screening';

const CMV = 'obs:cmv-dna';
const HBSAG = 'obs:hbsag';
const ANTI_HBC = 'obs:anti-hbc';
const HBV_DNA = 'obs:hbv-dna';
const IU_ML = '[IU]/mL';
/** Entecavir or tenofovir (the seed names no drug; B.2 gives entecavir as the example). */
const HBV_ANTIVIRAL = ['class:hbv-antiviral'];
const POSITIVE = ['answer:positive', 'answer:present'];
const NEGATIVE = ['answer:negative', 'answer:absent'];

/** «CMV DNA før oppstart»: a result from the 7 days before the start (A.0.5 infection status, proposal). */
export const CMV_WINDOW_DAYS = 7;
/** «i risikosituasjoner (for eksempel steroidbruk >3 dager)» (strictly more than 3 days). */
export const STEROID_DAYS_ABOVE = 3;

type Result = { status: 'positive' | 'negative'; value: UsedValue; at: Date } | undefined;

/**
 * The newest result of `concept` no later than `now` (and within `windowDays` when given): coded
 * positive/negative, or a viral load, where any load above 0 counts as detected (proposal).
 */
function latestResult(snapshot: PatientSnapshot, concept: string, now: Date, windowDays?: number): Result {
  const inWindow = (at: Date): boolean => daysBetween(at, now) >= 0 && (windowDays === undefined || daysBetween(at, now) <= windowDays);
  const candidates: NonNullable<Result>[] = [];
  for (const c of (snapshot.codedObservations[concept] ?? [])) {
    if (!inWindow(c.effective)) continue;
    const status = c.valueConcepts.some((v) => POSITIVE.includes(v)) ? 'positive' : c.valueConcepts.some((v) => NEGATIVE.includes(v)) ? 'negative' : undefined;
    if (status) candidates.push({ status, at: c.effective, value: { concept, value: status === 'positive' ? 'positive' : 'negative', date: c.effective, source: c.source } });
  }
  for (const v of labValues(snapshot, concept, IU_ML)) {
    if (inWindow(v.effective)) candidates.push({ status: v.value > 0 ? 'positive' : 'negative', at: v.effective, value: usedLab(v) });
  }
  return candidates.sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

/** A bispecific start (no bispecific given before), or a CAR-T product or infusion, drafted and in focus. */
function triggers(snapshot: PatientSnapshot): { draft: DraftOrder; setting: 'bispecific' | 'car-t' }[] {
  const seen = new Set<string>();
  const out: { draft: DraftOrder; setting: 'bispecific' | 'car-t' }[] = [];
  for (const d of snapshot.draftOrders) {
    if (!d.inFocus || seen.has(d.ref)) continue;
    seen.add(d.ref);
    if ((d.medication && hasConcept(d.medication, [CAR_T])) || d.procedure?.concepts.includes(CAR_T_PROCEDURE)) out.push({ draft: d, setting: 'car-t' });
    else if (d.medication && hasConcept(d.medication, [BISPECIFIC]) && administrationsOf(snapshot, [BISPECIFIC]).length === 0) out.push({ draft: d, setting: 'bispecific' });
  }
  return out;
}

interface Assessment {
  met: string[];
  missing: string[];
  suggestions: SuggestionRequest[];
  values: UsedValue[];
  variant?: string;
}

const order = (template: string, concept: string): SuggestionRequest => ({ template, params: { concept } });

function assess(snapshot: PatientSnapshot, now: Date): Assessment {
  const a: Assessment = { met: [], missing: [], suggestions: [], values: [] };
  const issues: string[] = [];

  const cmv = latestResult(snapshot, CMV, now, CMV_WINDOW_DAYS);
  if (cmv) a.values.push(cmv.value);
  if (!cmv && !serviceOrdered(snapshot, [CMV])) {
    issues.push('cmv-dna-missing');
    a.suggestions.push(order('order-cmv-dna', CMV));
  } else if (cmv?.status === 'positive') issues.push('cmv-dna-positive');

  const onAntiviral = isOnOrOrdered(snapshot, HBV_ANTIVIRAL);
  const hbsag = latestResult(snapshot, HBSAG, now);
  const antiHbc = latestResult(snapshot, ANTI_HBC, now);
  for (const r of [hbsag, antiHbc]) if (r) a.values.push(r.value);
  for (const [r, concept, template] of [[hbsag, HBSAG, 'order-hbsag'], [antiHbc, ANTI_HBC, 'order-anti-hbc']] as const) {
    if (!r && !serviceOrdered(snapshot, [concept])) {
      a.missing.push(concept);
      a.suggestions.push(order(template, concept));
    }
  }
  if (!onAntiviral) {
    if (hbsag?.status === 'positive') {
      // «For pasienter positiv for overflateantigener gis antiviral profylakse.»
      issues.push('hbsag-positive');
      a.suggestions.push({ template: 'create-entecavir' });
    } else if (antiHbc?.status === 'positive') {
      // «Hvis positive for anti-HBc administrer profylakse eller monitorer for HBV DNA ved PCR og hvis positiv PCR/viremi gi antiviral behandling.»
      const dna = latestResult(snapshot, HBV_DNA, now);
      if (dna) a.values.push(dna.value);
      if (dna?.status === 'positive') {
        issues.push('hbv-dna-positive');
        a.suggestions.push({ template: 'create-entecavir' });
      } else if (!dna && !serviceOrdered(snapshot, [HBV_DNA])) {
        issues.push('anti-hbc-positive');
        a.suggestions.push({ template: 'create-entecavir' }, order('order-hbv-dna', HBV_DNA));
      }
    }
  }
  a.met = issues;
  a.variant = ['hbsag-positive', 'hbv-dna-positive', 'anti-hbc-positive', 'cmv-dna-missing', 'cmv-dna-positive'].find((v) => issues.includes(v));
  return a;
}

/** Steroid use for more than 3 days: an active order or statement that started > 3 days ago (proposal). */
function longSteroidCourse(snapshot: PatientSnapshot, now: Date): MedicationEntry | undefined {
  return currentMedications(snapshot, SYSTEMIC_STEROIDS).find((m) => isValidDate(m.date) && daysBetween(m.date, now) > STEROID_DAYS_ABOVE);
}

function patientView(snapshot: PatientSnapshot, now: Date): Finding[] {
  const cart = carTReinfusion(snapshot);
  if (!cart && !onBispecific(snapshot)) return [];
  const steroid = longSteroidCourse(snapshot, now);
  if (!steroid || !isValidDate(steroid.date)) return [];
  const since = steroid.date;
  // A CMV DNA taken since the steroid course started answers the risk situation.
  const cmv = latestResult(snapshot, CMV, now, daysBetween(since, now));
  if (cmv || serviceOrdered(snapshot, [CMV])) return [];
  const days = Math.floor(daysBetween(since, now));
  return [
    {
      ruleId: RULE_ID,
      outcome: 'fired',
      subject: 'patient',
      variant: 'steroids-cmv',
      params: { drug: steroid.display, days },
      values: [usedMedication(steroid, 'steroid'), ...(cart ? [cart.value] : [])],
      missing: [],
      criteriaMet: ['steroids-over-3-days', 'cmv-dna-missing'],
      indicator: 'warning',
      suggestions: [order('order-cmv-dna', CMV)],
    },
  ];
}

function evaluate(snapshot: PatientSnapshot, ctx: EvaluationContext): Finding[] {
  if (ctx.hook === 'patient-view') return patientView(snapshot, ctx.now);
  const found = triggers(snapshot);
  if (found.length === 0) return [];
  const a = assess(snapshot, ctx.now);
  const indicator = ctx.hook === 'order-select' ? ('info' as const) : ('warning' as const);
  return found.flatMap(({ draft, setting }): Finding[] => {
    const base = { ruleId: RULE_ID, subject: draft.ref, params: { drug: draft.display }, values: [usedDraft(draft, setting === 'car-t' ? CAR_T : BISPECIFIC), ...a.values], indicator };
    const scope = setting === 'car-t' ? 'car-t-start' : 'bispecific-start';
    if (a.missing.length > 0) {
      // MD-warn: «HBV status unknown».
      return [{ ...base, outcome: 'not-evaluable', variant: 'hbv-unknown', missing: a.missing, criteriaMet: [scope, ...a.met], suggestions: a.suggestions }];
    }
    if (!a.variant) return [];
    return [{ ...base, outcome: 'fired', variant: a.variant, missing: [], criteriaMet: [scope, ...a.met], suggestions: a.suggestions }];
  });
}

export const cmvHbvScreening: Rule = {
  id: RULE_ID,
  hooks: ['patient-view', 'order-select', 'order-sign'],
  needs: ['observations', 'medicationRequests', 'medicationStatements', 'medicationAdministrations', 'procedures', 'serviceRequests'],
  evaluate,
};
