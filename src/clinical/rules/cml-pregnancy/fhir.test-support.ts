// FHIR R4 JSON builders for the A.13 rule tests: the snapshot is built by the real builder from
// these resources, so code variants, windows and ages are tested end to end. Not a test file.

import type { Patient, Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { PatientSnapshot } from '../../types.js';

export const FHIR_NOW = new Date('2026-11-22T12:00:00Z');
export const PID = 'p-cml';
const terminology = loadTerminology();

const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';
export const ATC = 'http://www.whocc.no/atc';
export const ATC_OID = 'urn:oid:2.16.578.1.12.4.1.1.7180';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

type Json = Record<string, unknown>;

export function patient(gender: string, birthDate: string): Json {
  return { resourceType: 'Patient', id: PID, gender, birthDate };
}

/** Birth date giving `age` whole years at FHIR_NOW (born 1 January). */
export function bornForAge(age: number): string {
  return `${FHIR_NOW.getUTCFullYear() - age}-01-01`;
}

export function pregnancyStatus(id: string, date: string, answer: 'pregnant' | 'not-pregnant'): Json {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system: LOINC, code: '82810-3' }] },
    effectiveDateTime: date,
    valueCodeableConcept: { coding: [{ system: SCT, code: answer === 'pregnant' ? '77386006' : '60001007' }] },
  };
}

export function hcg(id: string, date: string, positive: boolean): Json {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system: LOINC, code: '2106-3' }] },
    effectiveDateTime: date,
    valueCodeableConcept: { coding: [{ system: LOINC, code: positive ? 'LA6576-8' : 'LA6577-6' }] },
  };
}

export function condition(id: string, sct: string, clinicalStatus = 'active'): Json {
  return {
    resourceType: 'Condition',
    id,
    subject: { reference: `Patient/${PID}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: clinicalStatus }] },
    code: { coding: [{ system: SCT, code: sct }] },
    onsetDateTime: '2024-06-12',
  };
}

export const CML = (): Json => condition('c-cml', '92818009');

export function localProcedure(id: string, code: string, date: string): Json {
  return {
    resourceType: 'Procedure',
    id,
    status: 'completed',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system: 'urn:heme-cds:local', code }] },
    performedDateTime: date,
  };
}

export function localObservation(id: string, code: string, date: string, value: Json): Json {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system: 'urn:heme-cds:local', code }] },
    effectiveDateTime: date,
    valueCodeableConcept: value,
  };
}

export interface DrugCoding {
  atc?: string;
  rxnorm?: string;
  atcSystem?: string;
}

/** A draft MedicationRequest coded inline, or (`contained`) by reference to a contained Medication. */
export function draftRequest(id: string, drug: DrugCoding, opts: { contained?: boolean; dose?: { value: number; code: string } } = {}): Json {
  const coding = [
    ...(drug.atc ? [{ system: drug.atcSystem ?? ATC, code: drug.atc }] : []),
    ...(drug.rxnorm ? [{ system: RXNORM, code: drug.rxnorm }] : []),
  ];
  const medication = opts.contained
    ? { contained: [{ resourceType: 'Medication', id: 'med', code: { coding } }], medicationReference: { reference: '#med' } }
    : { medicationCodeableConcept: { coding } };
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${PID}` },
    ...medication,
    ...(opts.dose
      ? { dosageInstruction: [{ text: 'dose', doseAndRate: [{ doseQuantity: { value: opts.dose.value, unit: opts.dose.code, system: 'http://unitsofmeasure.org', code: opts.dose.code } }] }] }
      : {}),
  };
}

export function fhirSnapshot(
  p: Json | undefined,
  records: Json[],
  drafts: Json[],
  opts: { selections?: string[]; now?: Date; unavailable?: SnapshotInput['unavailable'] } = {},
): PatientSnapshot {
  const input: SnapshotInput = {
    patientId: PID,
    ...(p ? { patient: p as unknown as Patient } : {}),
    resources: { observations: records as unknown as Resource[] },
    medications: [],
    draftOrders: drafts as unknown as Resource[],
    ...(opts.selections ? { selections: opts.selections } : {}),
    unavailable: opts.unavailable ?? [],
  };
  return buildSnapshot(input, terminology, opts.now ?? FHIR_NOW);
}

/** The six TKIs of [000] with their B.2 codes (asciminib has no verified RxNorm). */
export const TKI_CODES: Record<string, DrugCoding> = {
  imatinib: { atc: 'L01EA01', rxnorm: '282388' },
  dasatinib: { atc: 'L01EA02', rxnorm: '475342' },
  nilotinib: { atc: 'L01EA03', rxnorm: '662281' },
  bosutinib: { atc: 'L01EA04', rxnorm: '1307619' },
  asciminib: { atc: 'L01EA06' },
  ponatinib: { atc: 'L01EA05', rxnorm: '1364347' },
};

export const ROPEG_CODES: DrugCoding = { atc: 'L03AB15', rxnorm: '2587059' };
