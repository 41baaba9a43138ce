// Pregnancy and breastfeeding status (contract item 6, A.0.5, A.0.7).
//
// pregnant        latest pregnancy status (82810-3) within 30 days says pregnant, OR an active
//                 pregnancy Condition, OR a positive hCG within 30 days. Positive evidence wins over
//                 sex and age, so a pregnancy on record is never hidden by demographics.
// not-applicable  male; otherwise age < 12 or > 55, or menopause / hysterectomy / bilateral
//                 oophorectomy on record (Condition, Procedure or Observation).
// not-pregnant    latest status within 30 days says not pregnant, or a negative hCG within 30 days.
// unknown         everything else (MD-warn for the pregnancy rules).
//
// "Not pregnant" needs a recognised negative answer (SNOMED 60001007, Absent, valueBoolean false):
// a status value such as "unknown" (261665006) or an unrecognised code is not read as "not pregnant".
// Breastfeeding follows the same pattern with 63895-7 / 413712001 and the age and sex criteria only
// (surgery or menopause do not end lactation that has already started).
import type { BreastfeedingStatus, CodedObservation, ConditionEntry, LabValue, PregnancyStatus, ProcedureEntry } from '../types.js';
import type { Terminology } from '../terminology/types.js';
import { calendarDaysBetween } from '../day.js';
import { isActiveCondition } from './conditions.js';
import { list, statusCode, str, type Json } from './fhir.js';

/** A.0.5: pregnancy status counts for 30 days. */
export const PREGNANCY_STATUS_WINDOW_DAYS = 30;
/** A.0.7 (proposal): childbearing potential from 12 to 55 years. */
export const CHILDBEARING_AGE_MIN = 12;
export const CHILDBEARING_AGE_MAX = 55;
/** Quantitative serum hCG (proposal): above 25 IU/L reads as pregnant, below 5 IU/L as not pregnant. */
export const HCG_POSITIVE_ABOVE_IU_L = 25;
export const HCG_NEGATIVE_BELOW_IU_L = 5;
export const HCG_QUANTITATIVE = 'lab:hcg-quantitative';


export const NO_CHILDBEARING_POTENTIAL_CONCEPTS = ['cond:menopause', 'cond:hysterectomy', 'cond:oophorectomy-bilateral'];

const PREGNANT = ['answer:pregnant', 'answer:present'];
const NOT_PREGNANT = ['answer:not-pregnant', 'answer:absent'];
const BREASTFEEDING = ['answer:breastfeeding', 'answer:present'];
const NOT_BREASTFEEDING = ['answer:not-breastfeeding', 'answer:absent'];
const POSITIVE = ['answer:positive', 'answer:present'];
const NEGATIVE = ['answer:negative', 'answer:absent'];

export interface ReproductiveFacts {
  gender?: string;
  ageYears?: number;
  codedObservations: Record<string, CodedObservation[]>;
  /** Quantitative serum hCG values (IU/L), newest first. */
  hcgQuantitative?: LabValue[];
  conditions: ConditionEntry[];
  /** Menopause, hysterectomy or bilateral oophorectomy on record. */
  noChildbearingPotential: boolean;
  now: Date;
}

function says(observation: CodedObservation | undefined, answers: string[]): boolean {
  return observation !== undefined && observation.valueConcepts.some((v) => answers.includes(v));
}


function recent(observations: CodedObservation[] | undefined, now: Date): CodedObservation[] {
  return (observations ?? []).filter((o) => calendarDaysBetween(o.effective, now) <= PREGNANCY_STATUS_WINDOW_DAYS);
}

function recentLabs(values: LabValue[] | undefined, now: Date): LabValue[] {
  return [...(values ?? [])]
    .filter((l) => calendarDaysBetween(l.effective, now) <= PREGNANCY_STATUS_WINDOW_DAYS)
    .sort((a, b) => b.effective.getTime() - a.effective.getTime());
}

/** The newest observation, when it is within the window (an older one is not current). */
function latestRecent(observations: CodedObservation[] | undefined, now: Date): CodedObservation | undefined {
  const newest = [...(observations ?? [])].sort((a, b) => b.effective.getTime() - a.effective.getTime())[0];
  return newest && recent([newest], now).length === 1 ? newest : undefined;
}

function hasActiveCondition(conditions: ConditionEntry[], concept: string): boolean {
  return conditions.some((c) => c.concepts.includes(concept) && isActiveCondition(c));
}

function outsideChildbearingAge(ageYears: number | undefined): boolean {
  return ageYears !== undefined && (ageYears < CHILDBEARING_AGE_MIN || ageYears > CHILDBEARING_AGE_MAX);
}

export function pregnancyStatus(facts: ReproductiveFacts): PregnancyStatus {
  const { codedObservations, now } = facts;
  const status = latestRecent(codedObservations['obs:pregnancy-status'], now);
  const hcg = recent(codedObservations['obs:hcg'], now);
  const quantitative = recentLabs(facts.hcgQuantitative, now);
  if (
    says(status, PREGNANT) ||
    hasActiveCondition(facts.conditions, 'cond:pregnancy') ||
    hcg.some((o) => says(o, POSITIVE)) ||
    quantitative.some((l) => l.value > HCG_POSITIVE_ABOVE_IU_L)
  ) {
    return 'pregnant';
  }
  if (facts.gender === 'male') return 'not-applicable';
  if (outsideChildbearingAge(facts.ageYears) || facts.noChildbearingPotential) return 'not-applicable';
  const newestQuantitative = quantitative[0];
  if (says(status, NOT_PREGNANT) || hcg.some((o) => says(o, NEGATIVE)) || (newestQuantitative !== undefined && newestQuantitative.value < HCG_NEGATIVE_BELOW_IU_L)) {
    return 'not-pregnant';
  }
  return 'unknown';
}

export function breastfeedingStatus(facts: ReproductiveFacts): BreastfeedingStatus {
  const { codedObservations, now } = facts;
  const status = latestRecent(codedObservations['obs:breastfeeding-status'], now);
  if (says(status, BREASTFEEDING) || hasActiveCondition(facts.conditions, 'cond:breastfeeding')) return 'breastfeeding';
  if (facts.gender === 'male') return 'not-applicable';
  if (outsideChildbearingAge(facts.ageYears)) return 'not-applicable';
  if (says(status, NOT_BREASTFEEDING)) return 'not-breastfeeding';
  return 'unknown';
}

/** Menopause, hysterectomy or bilateral oophorectomy as a Condition (not refuted) or a Procedure done. */
export function recordedNoChildbearingPotential(conditions: ConditionEntry[], procedures: ProcedureEntry[]): boolean {
  const named = (concepts: string[]): boolean => concepts.some((c) => NO_CHILDBEARING_POTENTIAL_CONCEPTS.includes(c));
  if (conditions.some((c) => named(c.concepts) && c.verificationStatus !== 'refuted')) return true;
  return procedures.some(
    (p) => p.source === 'Procedure' && named(p.concepts) && (p.status === undefined || p.status === 'completed'),
  );
}

/**
 * The same facts stated by an Observation: its code (with a value that does not deny it) or its
 * value (e.g. menopausal status = "After menopause").
 */
/** `codeConcepts`: the concepts of `observation.code` when the caller has matched them already. */
export function observationStatesNoChildbearingPotential(observation: Json, terminology: Terminology, codeConcepts?: readonly string[]): boolean {
  const status = str(observation.status);
  if (status === 'entered-in-error' || status === 'cancelled') return false;
  const named = (ids: readonly string[]): boolean => ids.some((c) => NO_CHILDBEARING_POTENTIAL_CONCEPTS.includes(c));
  const value = terminology.matchCodeableConcept(observation.valueCodeableConcept);
  if (named(value)) return true;
  if (!named(codeConcepts ?? terminology.matchCodeableConcept(observation.code))) return false;
  const interpretation = list(observation.interpretation).flatMap((cc) => terminology.matchCodeableConcept(cc));
  const denied = [...value, ...interpretation].some((v) => NEGATIVE.includes(v)) || observation.valueBoolean === false;
  return !denied && statusCode(observation.dataAbsentReason) === undefined;
}
