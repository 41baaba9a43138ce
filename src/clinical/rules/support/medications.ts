import type { DraftOrder, MedicationEntry, PatientSnapshot, UsedValue } from '../../types.js';
import { sourceOf } from './refs.js';

// Medication queries shared by the rules. Concepts are matched over every coding by the snapshot
// builder; rules only ask "does this entry carry one of these concepts".

/** Statuses of a record that mean the drug is being given now (a paused course still counts). */
export const CURRENT_STATUSES: ReadonlySet<string> = new Set(['active', 'on-hold']);

export function hasConcept(entry: MedicationEntry, concepts: readonly string[]): boolean {
  return entry.concepts.some((c) => concepts.includes(c));
}

/** Requests and statements on record, current (active or on hold), carrying one of `concepts`. */
export function currentMedications(snapshot: PatientSnapshot, concepts: readonly string[], statuses: ReadonlySet<string> = CURRENT_STATUSES): MedicationEntry[] {
  return snapshot.medications.filter((m) => m.status !== undefined && statuses.has(m.status) && hasConcept(m, concepts));
}

/** Draft orders of this session carrying one of `concepts`; `focusOnly` keeps the selected ones. */
export function draftsWith(snapshot: PatientSnapshot, concepts: readonly string[], focusOnly: boolean): DraftOrder[] {
  return snapshot.draftOrders.filter((d) => (!focusOnly || d.inFocus) && d.medication !== undefined && hasConcept(d.medication, concepts));
}

/** On record (active) or ordered in this session (any draft, selected or not). */
export function isOnOrOrdered(snapshot: PatientSnapshot, concepts: readonly string[]): boolean {
  return currentMedications(snapshot, concepts, new Set(['active'])).length > 0 || draftsWith(snapshot, concepts, false).length > 0;
}

/** Administrations (newest first in the snapshot) carrying one of `concepts`, completed or in progress. */
export function administrationsOf(snapshot: PatientSnapshot, concepts: readonly string[]): MedicationEntry[] {
  return snapshot.administrations.filter((a) => hasConcept(a, concepts) && a.status !== 'not-done' && a.status !== 'entered-in-error');
}

/** When the newest administration of `concepts` was given. */
export function lastAdministered(snapshot: PatientSnapshot, concepts: readonly string[]): { entry: MedicationEntry; at: Date } | undefined {
  let best: { entry: MedicationEntry; at: Date } | undefined;
  for (const a of administrationsOf(snapshot, concepts)) {
    const at = a.occurredAt ?? a.date;
    if (at && Number.isFinite(at.getTime()) && (!best || at.getTime() > best.at.getTime())) best = { entry: a, at };
  }
  return best;
}

/** Ever exposed: any request, statement or administration (any status but entered-in-error). */
export function everExposed(snapshot: PatientSnapshot, concepts: readonly string[]): MedicationEntry[] {
  return [...snapshot.medications, ...snapshot.administrations].filter((m) => m.status !== 'entered-in-error' && hasConcept(m, concepts));
}

export function usedMedication(m: MedicationEntry, concept = 'medication'): UsedValue {
  const when = m.occurredAt ?? m.date;
  return { concept, value: m.display, ...(when ? { date: when } : {}), source: sourceOf(m.ref) };
}
