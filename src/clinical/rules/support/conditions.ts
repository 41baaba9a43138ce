import type { ConditionEntry, PatientSnapshot, UsedValue } from '../../types.js';
import { isActiveCondition } from '../../snapshot/conditions.js';
import { MYELOMA_SCOPE_CONCEPTS } from '../../terminology/concepts.js';
import { sourceOf } from './refs.js';
import { isValidDate } from './time.js';

// Condition queries shared by the rules. "Current" leans to active when the status is not stated
// (optional before R4): for a decision-support reminder the safe side is to consider the diagnosis.

/** A diagnosis recorded as wrong is no diagnosis. */
const EXCLUDED_VERIFICATION = new Set(['refuted', 'entered-in-error']);

export function isCurrentCondition(c: ConditionEntry): boolean {
  return isActiveCondition(c) && !(c.verificationStatus !== undefined && EXCLUDED_VERIFICATION.has(c.verificationStatus));
}

/** Current conditions matching any of `concepts`. */
export function currentConditions(snapshot: PatientSnapshot, concepts: readonly string[]): ConditionEntry[] {
  return snapshot.conditions.filter((c) => isCurrentCondition(c) && c.concepts.some((id) => concepts.includes(id)));
}

export function hasCurrentCondition(snapshot: PatientSnapshot, concepts: readonly string[]): boolean {
  return currentConditions(snapshot, concepts).length > 0;
}

/** A.0.8: the patient has a current myeloma-spectrum Condition. */
export function inMyelomaScope(snapshot: PatientSnapshot): boolean {
  return hasCurrentCondition(snapshot, MYELOMA_SCOPE_CONCEPTS);
}

/** The earliest onset (else recorded date) among `conditions`, with the condition it came from. */
export function earliestDiagnosis(conditions: ConditionEntry[]): { date: Date; condition: ConditionEntry } | undefined {
  let best: { date: Date; condition: ConditionEntry } | undefined;
  for (const condition of conditions) {
    const date = isValidDate(condition.onset) ? condition.onset : isValidDate(condition.recorded) ? condition.recorded : undefined;
    if (date && (!best || date.getTime() < best.date.getTime())) best = { date, condition };
  }
  return best;
}

export function usedCondition(c: ConditionEntry, date?: Date): UsedValue {
  const when = date ?? c.onset ?? c.recorded;
  return { concept: 'diagnosis', value: c.display, ...(when ? { date: when } : {}), source: sourceOf(c.ref) };
}
