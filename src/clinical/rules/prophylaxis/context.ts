import type { DraftOrder, LabValue, PatientSnapshot, UsedValue } from '../../types.js';
import { administrationsOf, currentMedications, everExposed, hasConcept } from '../support/medications.js';
import { labValues } from '../support/labs.js';
import { sourceOf } from '../support/refs.js';
import { isValidDate } from '../support/time.js';

// Treatment context the A.9 prophylaxis rules share: when CAR-T cells were given, when a
// bispecific antibody course started, when HMAS was done, and the CD4 count since then.

export const CAR_T = 'class:car-t';
export const BISPECIFIC = 'class:bispecific';
export const CAR_T_PROCEDURE = 'proc:car-t-infusion';
/** HMAS is recorded with the local HMAS code or the generic SNOMED HSCT procedure. */
export const HMAS_PROCEDURES = ['proc:hmas', 'proc:hsct'];
export const CD4 = 'lab:cd4';
export const CD4_UNIT = '10*9/L';

/** A dated treatment event with the record it came from. */
export interface TreatmentEvent {
  date: Date;
  value: UsedValue;
}

const DONE_PROCEDURE = new Set(['completed', 'in-progress']);

/** `months` calendar months after `from` (the seed counts «3 måneder», «6 måneder»). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

function newest(events: TreatmentEvent[]): TreatmentEvent | undefined {
  return events.reduce<TreatmentEvent | undefined>((best, e) => (!best || e.date.getTime() > best.date.getTime() ? e : best), undefined);
}

function oldest(events: TreatmentEvent[]): TreatmentEvent | undefined {
  return events.reduce<TreatmentEvent | undefined>((best, e) => (!best || e.date.getTime() < best.date.getTime() ? e : best), undefined);
}

/** Done procedures (not requests) carrying one of `concepts`, dated, as events. */
function procedureEvents(snapshot: PatientSnapshot, concepts: readonly string[], label: string): TreatmentEvent[] {
  return snapshot.procedures
    .filter((p) => p.source === 'Procedure' && p.status !== undefined && DONE_PROCEDURE.has(p.status) && p.concepts.some((c) => concepts.includes(c)))
    .filter((p): p is typeof p & { date: Date } => isValidDate(p.date))
    .map((p) => ({ date: p.date, value: { concept: label, value: p.display, date: p.date, source: sourceOf(p.ref) } }));
}

/** The latest CAR-T reinfusion: an administration of a CAR-T product or a CAR-T infusion Procedure. */
export function carTReinfusion(snapshot: PatientSnapshot): TreatmentEvent | undefined {
  const given = administrationsOf(snapshot, [CAR_T])
    .map((a) => ({ a, at: a.occurredAt ?? a.date }))
    .filter((x): x is { a: typeof x.a; at: Date } => isValidDate(x.at))
    .map(({ a, at }) => ({ date: at, value: { concept: CAR_T, value: a.display, date: at, source: sourceOf(a.ref) } }));
  return newest([...given, ...procedureEvents(snapshot, [CAR_T_PROCEDURE], CAR_T_PROCEDURE)]);
}

/** The start of bispecific treatment: the first administration, else the earliest dated order or statement. */
export function bispecificStart(snapshot: PatientSnapshot): TreatmentEvent | undefined {
  const toEvent = (m: { display: string; ref: string }, at: Date): TreatmentEvent => ({
    date: at,
    value: { concept: BISPECIFIC, value: m.display, date: at, source: sourceOf(m.ref) },
  });
  const given = administrationsOf(snapshot, [BISPECIFIC]).flatMap((a) => {
    const at = a.occurredAt ?? a.date;
    return isValidDate(at) ? [toEvent(a, at)] : [];
  });
  const first = oldest(given);
  if (first) return first;
  return oldest(everExposed(snapshot, [BISPECIFIC]).flatMap((m) => (isValidDate(m.date) ? [toEvent(m, m.date)] : [])));
}

/** A bispecific is being given now (order or statement active or on hold). */
export function onBispecific(snapshot: PatientSnapshot): boolean {
  return currentMedications(snapshot, [BISPECIFIC]).length > 0;
}

/** Ever given a bispecific (any record or administration). */
export function everBispecific(snapshot: PatientSnapshot): boolean {
  return everExposed(snapshot, [BISPECIFIC]).length > 0;
}

/** The latest HMAS (done) on record. */
export function hmasDone(snapshot: PatientSnapshot): TreatmentEvent | undefined {
  return newest(procedureEvents(snapshot, HMAS_PROCEDURES, 'proc:hmas'));
}

/** The newest CD4 count taken on or after `since` and not after `now`: an older count says nothing about recovery. */
export function cd4Since(snapshot: PatientSnapshot, since: Date, now: Date): LabValue | undefined {
  return labValues(snapshot, CD4, CD4_UNIT).find((v) => v.effective.getTime() >= since.getTime() && v.effective.getTime() <= now.getTime());
}

/** Selected drafts (medication or procedure) carrying one of `concepts`. */
export function focusDraftsWith(snapshot: PatientSnapshot, concepts: readonly string[]): DraftOrder[] {
  return snapshot.draftOrders.filter(
    (d) => d.inFocus && ((d.medication !== undefined && hasConcept(d.medication, concepts)) || (d.procedure?.concepts.some((c) => concepts.includes(c)) ?? false)),
  );
}

/** Any draft of the session (selected or not) carrying one of `concepts`. */
export function anyDraftWith(snapshot: PatientSnapshot, concepts: readonly string[]): boolean {
  return snapshot.draftOrders.some(
    (d) => (d.medication !== undefined && hasConcept(d.medication, concepts)) || (d.procedure?.concepts.some((c) => concepts.includes(c)) ?? false),
  );
}

export function usedDraft(d: DraftOrder, concept: string): UsedValue {
  return { concept, value: d.display, source: sourceOf(d.ref) };
}

/** Systemic corticosteroids of B.2 (steroid use in the fluconazole and CMV criteria). */
export const SYSTEMIC_STEROIDS = ['drug:dexamethasone', 'drug:prednisolone', 'drug:methylprednisolone'];

const ORDERED_SERVICE = new Set(['active', 'draft', 'on-hold']);

/** A test already asked for: a ServiceRequest on record (active, draft, on hold) or drafted in this session. */
export function serviceOrdered(snapshot: PatientSnapshot, concepts: readonly string[]): boolean {
  const onRecord = snapshot.procedures.some((p) => p.source === 'ServiceRequest' && p.status !== undefined && ORDERED_SERVICE.has(p.status) && p.concepts.some((c) => concepts.includes(c)));
  return onRecord || snapshot.draftOrders.some((d) => d.procedure?.concepts.some((c) => concepts.includes(c)) ?? false);
}

/** A CAR-T product or CAR-T infusion drafted in this session (selected or not). */
export function carTDrafted(snapshot: PatientSnapshot): boolean {
  return anyDraftWith(snapshot, [CAR_T, CAR_T_PROCEDURE]);
}
