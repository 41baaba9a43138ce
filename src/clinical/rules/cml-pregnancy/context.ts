import type { CodedObservation, DataDomain, DraftOrder, Hook, Indicator, MedicationEntry, PatientSnapshot, ProcedureEntry, UsedValue } from '../../types.js';
import { HCG_POSITIVE_ABOVE_IU_L, HCG_QUANTITATIVE, PREGNANCY_STATUS_WINDOW_DAYS } from '../../snapshot/pregnancy.js';
import { currentConditions } from '../support/conditions.js';
import { currentMedications, draftsWith } from '../support/medications.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';
import { calendarDaysBetween, clinicalDayNumber } from '../../day.js';

// What the A.13 rules (CML in pregnancy, ropeginterferon) share: the drugs they watch, the
// evidence behind the snapshot's pregnancy and breastfeeding status (for the card detail), the
// postpartum reading, and the hook-dependent indicator of the order cards.

/**
 * [000] «Bakgrunn»: «Førstelinjebehandling er imatinib …, eller dasatinib, nilotinib eller
 * bosutinib … I 2. linje kan også askiminib benyttes. I tillegg kan ponatinib … benyttes.»
 * The class concept carries all six; the drug ids are listed so a site file that adds a code to
 * one drug only is still caught.
 */
export const TKI_CONCEPTS: readonly string[] = [
  'class:tki-cml',
  'drug:imatinib',
  'drug:dasatinib',
  'drug:nilotinib',
  'drug:bosutinib',
  'drug:asciminib',
  'drug:ponatinib',
];

/** Ropeginterferon alfa-2b (L03AB15), the drug [000] assesses. */
export const ROPEG_CONCEPTS: readonly string[] = ['drug:ropeginterferon-alfa-2b'];

export const CML_CONCEPTS: readonly string[] = ['cond:cml'];

/** Catalogue A.13 (proposal): "postpartum" = a delivery within the last 12 months. */
export const POSTPARTUM_MONTHS = 12;
export const DELIVERY_CONCEPT = 'proc:delivery';

/** Pregnancy and breastfeeding status come from these domains (contract item 6, A.0.7). */
export const REPRODUCTIVE_DOMAINS: readonly DataDomain[] = ['patient', 'observations', 'conditions', 'procedures'];

/** Label keys (in the card files) of the evidence lines. */
export const EVIDENCE_PREGNANCY_STATUS = 'status-pregnant';
export const EVIDENCE_BREASTFEEDING_STATUS = 'status-breastfeeding';
export const EVIDENCE_HCG_POSITIVE = 'hcg-positive';

const PREGNANT_ANSWERS = ['answer:pregnant', 'answer:present'];
const BREASTFEEDING_ANSWERS = ['answer:breastfeeding', 'answer:present'];
const POSITIVE_ANSWERS = ['answer:positive', 'answer:present'];

/** Medication domains read for an active TKI on patient-view. */
export const MEDICATION_DOMAINS: readonly DataDomain[] = ['medicationRequests', 'medicationStatements'];

/** TKI requests or statements on record that are being given now (active or on hold). */
export function activeTkis(snapshot: PatientSnapshot): MedicationEntry[] {
  return currentMedications(snapshot, TKI_CONCEPTS);
}

export function medicationValue(m: MedicationEntry, concept: string): UsedValue {
  return { concept, value: m.display, ...(m.date ? { date: m.date } : {}), source: sourceOf(m.ref) };
}

/** Selected drafts (order-select) or every draft (order-sign) carrying one of `concepts`, one per ref. */
export function focusDrafts(snapshot: PatientSnapshot, concepts: readonly string[]): DraftOrder[] {
  const byRef = new Map<string, DraftOrder>();
  for (const d of draftsWith(snapshot, concepts, true)) if (!byRef.has(d.ref)) byRef.set(d.ref, d);
  return [...byRef.values()];
}

export function draftValue(d: DraftOrder, concept: string): UsedValue {
  return { concept, value: d.medication?.display ?? d.display, source: sourceOf(d.ref) };
}

/** A.0.1/A.0.2: order-select gives the early, informational version of an order-sign warning. */
export function warningOnSign(hook: Hook): Indicator {
  return hook === 'order-select' ? 'info' : 'warning';
}

/** Unavailable domains among `domains`, as `domain:<name>` missing items. */
export function unavailableItems(snapshot: PatientSnapshot, domains: readonly DataDomain[]): string[] {
  return domains.filter((d) => snapshot.unavailable.includes(d)).map((d) => `domain:${d}`);
}

export function hasCml(snapshot: PatientSnapshot): boolean {
  return currentConditions(snapshot, CML_CONCEPTS).length > 0;
}

/** Whole clinical calendar days, as the snapshot counts the 30-day pregnancy window. */
function calendarDays(then: Date, now: Date): number {
  return calendarDaysBetween(then, now);
}

function withinWindow(o: CodedObservation, now: Date): boolean {
  return calendarDays(o.effective, now) <= PREGNANCY_STATUS_WINDOW_DAYS;
}

function newestObservation(list: CodedObservation[] | undefined): CodedObservation | undefined {
  return [...(list ?? [])].sort((a, b) => b.effective.getTime() - a.effective.getTime())[0];
}

function observationValue(concept: string, o: CodedObservation): UsedValue {
  return { concept, value: '+', date: o.effective, source: o.source };
}

function conditionValues(snapshot: PatientSnapshot, concept: string): UsedValue[] {
  return currentConditions(snapshot, [concept]).map((c) => {
    const when = c.onset ?? c.recorded;
    return { concept, value: c.display, ...(when ? { date: when } : {}), source: sourceOf(c.ref) };
  });
}

/** The records that make the snapshot say "pregnant" (same criteria as snapshot/pregnancy.ts). */
export function pregnancyEvidence(snapshot: PatientSnapshot, now: Date): UsedValue[] {
  const out: UsedValue[] = [];
  const status = newestObservation(snapshot.codedObservations['obs:pregnancy-status']);
  if (status && withinWindow(status, now) && status.valueConcepts.some((v) => PREGNANT_ANSWERS.includes(v))) {
    out.push(observationValue(EVIDENCE_PREGNANCY_STATUS, status));
  }
  out.push(...conditionValues(snapshot, 'cond:pregnancy'));
  for (const hcg of snapshot.codedObservations['obs:hcg'] ?? []) {
    if (withinWindow(hcg, now) && hcg.valueConcepts.some((v) => POSITIVE_ANSWERS.includes(v))) out.push(observationValue(EVIDENCE_HCG_POSITIVE, hcg));
  }
  for (const l of snapshot.labs[HCG_QUANTITATIVE] ?? []) {
    if (calendarDays(l.effective, now) <= PREGNANCY_STATUS_WINDOW_DAYS && l.value > HCG_POSITIVE_ABOVE_IU_L) {
      out.push({ concept: HCG_QUANTITATIVE, value: l.value, unit: l.unit, date: l.effective, source: l.source });
    }
  }
  return out;
}

/** The records that make the snapshot say "breastfeeding". */
export function breastfeedingEvidence(snapshot: PatientSnapshot, now: Date): UsedValue[] {
  const out: UsedValue[] = [];
  const status = newestObservation(snapshot.codedObservations['obs:breastfeeding-status']);
  if (status && withinWindow(status, now) && status.valueConcepts.some((v) => BREASTFEEDING_ANSWERS.includes(v))) {
    out.push(observationValue(EVIDENCE_BREASTFEEDING_STATUS, status));
  }
  out.push(...conditionValues(snapshot, 'cond:breastfeeding'));
  return out;
}

/** `months` calendar months before `from`, clamped to the month's last day. */
export function monthsBefore(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** The newest delivery done within POSTPARTUM_MONTHS calendar months (by calendar day, UTC). */
export function recentDelivery(snapshot: PatientSnapshot, now: Date): ProcedureEntry | undefined {
  const from = clinicalDayNumber(monthsBefore(now, POSTPARTUM_MONTHS));
  const today = clinicalDayNumber(now);
  return snapshot.procedures
    .filter((p) => p.source === 'Procedure' && (p.status === undefined || p.status === 'completed') && p.concepts.includes(DELIVERY_CONCEPT))
    .filter((p): p is ProcedureEntry & { date: Date } => isValidDate(p.date))
    .filter((p) => {
      const day = clinicalDayNumber(p.date);
      return day >= from && day <= today;
    })
    .sort((a, b) => b.date.getTime() - a.date.getTime())[0];
}

export function deliveryValue(p: ProcedureEntry): UsedValue {
  return { concept: DELIVERY_CONCEPT, value: p.display, ...(p.date ? { date: p.date } : {}), source: sourceOf(p.ref) };
}

/**
 * Breastfeeding for the lactation rules: 'breastfeeding', 'unknown-postpartum' (status unknown
 * after a delivery within 12 months, or the delivery could not be checked: MD-warn), or 'none'.
 */
export type LactationReading =
  | { kind: 'breastfeeding'; values: UsedValue[] }
  | { kind: 'unknown-postpartum'; values: UsedValue[]; missing: string[] }
  | { kind: 'none' };

export function lactationReading(snapshot: PatientSnapshot, now: Date): LactationReading {
  if (snapshot.breastfeeding === 'breastfeeding') return { kind: 'breastfeeding', values: breastfeedingEvidence(snapshot, now) };
  if (snapshot.breastfeeding !== 'unknown') return { kind: 'none' };
  const delivery = recentDelivery(snapshot, now);
  const unavailable = unavailableItems(snapshot, REPRODUCTIVE_DOMAINS);
  if (delivery) return { kind: 'unknown-postpartum', values: [deliveryValue(delivery)], missing: ['obs:breastfeeding-status', ...unavailable] };
  // Without the procedure list a recent delivery cannot be ruled out, so the status is as unknown.
  if (snapshot.unavailable.includes('procedures')) return { kind: 'unknown-postpartum', values: [], missing: ['obs:breastfeeding-status', ...unavailable] };
  return { kind: 'none' };
}

/** Pregnancy for the pregnancy rules: 'pregnant', 'unknown' (MD-warn) or 'none' (no card). */
export type PregnancyReading =
  | { kind: 'pregnant'; values: UsedValue[] }
  | { kind: 'unknown'; missing: string[] }
  | { kind: 'none' };

export function pregnancyReading(snapshot: PatientSnapshot, now: Date): PregnancyReading {
  if (snapshot.pregnancy === 'pregnant') return { kind: 'pregnant', values: pregnancyEvidence(snapshot, now) };
  if (snapshot.pregnancy === 'unknown') return { kind: 'unknown', missing: ['obs:pregnancy-status', ...unavailableItems(snapshot, REPRODUCTIVE_DOMAINS)] };
  return { kind: 'none' };
}
