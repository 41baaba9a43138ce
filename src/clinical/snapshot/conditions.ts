// Condition -> ConditionEntry; Procedure, ServiceRequest and ProcedureRequest -> ProcedureEntry.
// Statuses are passed on as sent (rules filter); only records entered in error are dropped.
import type { ConditionEntry, ProcedureEntry } from '../types.js';
import type { Terminology } from '../terminology/types.js';
import { conceptText, firstDate, periodStart, statusCode, str, type Json } from './fhir.js';

const ENTERED_IN_ERROR = 'entered-in-error';

function displayOf(code: unknown, concepts: string[], terminology: Terminology, fallback: string): string {
  return conceptText(code) ?? (concepts[0] ? terminology.display(concepts[0], 'nb') : fallback);
}

export function readCondition(resource: Json, ref: string, terminology: Terminology): ConditionEntry | undefined {
  if (resource.resourceType !== 'Condition') return undefined;
  const clinicalStatus = statusCode(resource.clinicalStatus);
  const verificationStatus = statusCode(resource.verificationStatus);
  if (verificationStatus === ENTERED_IN_ERROR || clinicalStatus === ENTERED_IN_ERROR) return undefined;
  const concepts = [...terminology.matchCodeableConcept(resource.code)];
  // R4 recordedDate, STU3 assertedDate, DSTU2 dateRecorded.
  const onset = firstDate(resource.onsetDateTime, periodStart(resource.onsetPeriod));
  const recorded = firstDate(resource.recordedDate, resource.assertedDate, resource.dateRecorded);
  return {
    ref,
    concepts,
    ...(clinicalStatus ? { clinicalStatus } : {}),
    ...(verificationStatus ? { verificationStatus } : {}),
    ...(onset ? { onset } : {}),
    ...(recorded ? { recorded } : {}),
    display: displayOf(resource.code, concepts, terminology, 'Condition'),
  };
}

const ACTIVE_CLINICAL_STATUS = new Set(['active', 'recurrence', 'relapse']);

/**
 * Active for decision purposes: clinicalStatus active/recurrence/relapse, or not stated (optional
 * before R4), and not refuted. Leaning to "active" is the safe side for the conditions rules ask about.
 */
export function isActiveCondition(entry: ConditionEntry): boolean {
  if (entry.verificationStatus === 'refuted') return false;
  return entry.clinicalStatus === undefined || ACTIVE_CLINICAL_STATUS.has(entry.clinicalStatus);
}

const SERVICE_REQUEST_TYPES = new Set(['ServiceRequest', 'ProcedureRequest']);

export function readProcedure(resource: Json, ref: string, terminology: Terminology, asDraft = false): ProcedureEntry | undefined {
  const type = resource.resourceType;
  const isProcedure = type === 'Procedure';
  if (!isProcedure && !(typeof type === 'string' && SERVICE_REQUEST_TYPES.has(type))) return undefined;
  const status = str(resource.status);
  if (status === ENTERED_IN_ERROR) return undefined;
  const concepts = [...terminology.matchCodeableConcept(resource.code)];
  const date = isProcedure
    ? firstDate(resource.performedDateTime, periodStart(resource.performedPeriod))
    : // R4/STU3 occurrence[x] and authoredOn; DSTU2 ProcedureRequest scheduled[x] and orderedOn.
      firstDate(
        resource.occurrenceDateTime,
        periodStart(resource.occurrencePeriod),
        resource.authoredOn,
        resource.scheduledDateTime,
        periodStart(resource.scheduledPeriod),
        resource.orderedOn,
      );
  return {
    ref,
    source: asDraft ? 'draft' : isProcedure ? 'Procedure' : 'ServiceRequest',
    concepts,
    ...(status ? { status } : {}),
    ...(date ? { date } : {}),
    display: displayOf(resource.code, concepts, terminology, String(type)),
  };
}
