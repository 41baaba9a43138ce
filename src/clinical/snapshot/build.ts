// FHIR resources (prefetch or fallback, any version) -> PatientSnapshot, the only thing rules read.
// Pure: no I/O, no clock of its own. Never throws on malformed resources; it skips them.
import type { CodedObservation, ConditionEntry, LabValue, MedicationEntry, PatientSnapshot, ProcedureEntry } from '../types.js';
import type { Terminology } from '../terminology/types.js';
import type { SnapshotInput } from './input.js';
import { clinicalDateParts } from '../day.js';
import { readCondition, readProcedure } from './conditions.js';
import { readDraftOrders } from './drafts.js';
import { belongsToPatient, isRecord, records, resourceRef, str, type Json } from './fhir.js';
import { groupNewestFirst, readObservation } from './labs.js';
import { medicationIndex, newestFirst, readImmunization, readMedication, type MedicationLookup } from './medications.js';
import {
  breastfeedingStatus,
  HCG_QUANTITATIVE,
  observationStatesNoChildbearingPotential,
  pregnancyStatus,
  recordedNoChildbearingPotential,
} from './pregnancy.js';

const BIRTH_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function wholeYears(year: number, month: number, day: number, now: Date): number {
  const { year: y, month: m, day: d } = clinicalDateParts(now);
  // Born 29 February: a year is complete on 1 March in common years.
  return y - year - (m < month || (m === month && d < day) ? 1 : 0);
}

/**
 * A.0.7: whole years at `now` (clinical calendar date, CDS_TIME_ZONE). A partial birth date (YYYY or YYYY-MM) gives an
 * age only when every possible birth day gives the same age; otherwise undefined.
 */
export function ageYearsAt(birthDate: string | undefined, now: Date): number | undefined {
  if (!birthDate) return undefined;
  const m = BIRTH_DATE.exec(birthDate.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : undefined;
  const day = m[3] ? Number(m[3]) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (month !== undefined && day !== undefined && (day < 1 || day > lastDayOfMonth(year, month))) return undefined;
  const earliest = wholeYears(year, month ?? 1, day ?? 1, now);
  const latest = wholeYears(year, month ?? 12, day ?? lastDayOfMonth(year, month ?? 12), now);
  if (earliest !== latest || earliest < 0) return undefined;
  return earliest;
}

/** Resources of every domain, flattened (a stray Bundle is opened), deduplicated by Type/id. */
function uniqueResources(resources: SnapshotInput['resources'] | undefined): Json[] {
  const out: Json[] = [];
  const seen = new Set<string>();
  const visit = (item: unknown): void => {
    if (!isRecord(item)) return;
    if (item.resourceType === 'Bundle') {
      for (const entry of records(item.entry)) visit(entry.resource);
      return;
    }
    const type = str(item.resourceType);
    if (!type || type === 'OperationOutcome') return;
    const id = str(item.id);
    if (id) {
      const key = `${type}/${id}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    out.push(item);
  };
  for (const list of Object.values(isRecord(resources) ? resources : {})) {
    if (Array.isArray(list)) for (const item of list) visit(item);
  }
  return out;
}

export function buildSnapshot(input: SnapshotInput, terminology: Terminology, now: Date): PatientSnapshot {
  const patientId = input.patientId;
  const patient: Json | undefined = isRecord(input.patient) ? (input.patient) : undefined;
  const gender = str(patient?.gender);
  const birthDate = str(patient?.birthDate);
  const ageYears = ageYearsAt(birthDate, now);

  const all = uniqueResources(input.resources);
  const mine = all.filter((r) => belongsToPatient(r, patientId));
  const medicationsById = medicationIndex([...(Array.isArray(input.medications) ? input.medications : []), ...all]);
  const lookup: MedicationLookup = { terminology, medicationsById };

  const labs: LabValue[] = [];
  const coded: CodedObservation[] = [];
  const medications: MedicationEntry[] = [];
  const administrations: MedicationEntry[] = [];
  const conditions: ConditionEntry[] = [];
  const procedures: ProcedureEntry[] = [];
  let observedNoChildbearingPotential = false;

  mine.forEach((resource, position) => {
    try {
      const ref = resourceRef(resource, position);
      switch (resource.resourceType) {
        case 'Observation': {
          const readout = readObservation(resource, terminology, str(resource.id));
          labs.push(...readout.labs);
          coded.push(...readout.coded);
          if (observationStatesNoChildbearingPotential(resource, terminology, readout.codeConcepts)) observedNoChildbearingPotential = true;
          break;
        }
        case 'Condition': {
          const entry = readCondition(resource, ref, terminology);
          if (entry) conditions.push(entry);
          break;
        }
        case 'Procedure':
        case 'ServiceRequest':
        case 'ProcedureRequest': {
          const entry = readProcedure(resource, ref, terminology);
          if (entry) procedures.push(entry);
          break;
        }
        case 'MedicationRequest':
        case 'MedicationOrder':
        case 'MedicationStatement': {
          const entry = readMedication(resource, ref, resource.resourceType === 'MedicationStatement' ? 'MedicationStatement' : 'MedicationRequest', lookup);
          if (entry) medications.push(entry);
          break;
        }
        case 'MedicationAdministration': {
          const entry = readMedication(resource, ref, 'MedicationAdministration', lookup);
          if (entry) administrations.push(entry);
          break;
        }
        case 'Immunization': {
          const entry = readImmunization(resource, ref, terminology);
          if (entry) administrations.push(entry);
          break;
        }
        default:
          break;
      }
    } catch {
      // A resource the readers cannot handle is left out; the rest of the snapshot still counts.
    }
  });

  const codedObservations = groupNewestFirst(coded);
  const labsByConcept = groupNewestFirst(labs);
  const noChildbearingPotential = observedNoChildbearingPotential || recordedNoChildbearingPotential(conditions, procedures);
  const facts = {
    ...(gender ? { gender } : {}),
    ...(ageYears !== undefined ? { ageYears } : {}),
    codedObservations,
    hcgQuantitative: labsByConcept[HCG_QUANTITATIVE] ?? [],
    conditions,
    noChildbearingPotential,
    now,
  };

  return {
    patientId,
    ...(gender ? { gender } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(ageYears !== undefined ? { ageYears } : {}),
    labs: labsByConcept,
    codedObservations,
    medications: newestFirst(medications),
    administrations: newestFirst(administrations),
    conditions,
    procedures,
    draftOrders: readDraftOrders(
      Array.isArray(input.draftOrders) ? input.draftOrders : [],
      Array.isArray(input.selections) ? input.selections : undefined,
      lookup,
      (r) => belongsToPatient(r, patientId),
    ),
    pregnancy: pregnancyStatus(facts),
    breastfeeding: breastfeedingStatus(facts),
    unavailable: Array.isArray(input.unavailable) ? [...input.unavailable] : [],
  };
}

