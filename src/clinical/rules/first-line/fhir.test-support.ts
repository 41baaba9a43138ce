// FHIR JSON builders for the dose and timing rule tests: drugs coded each way the contract accepts
// (ATC under both system URIs, RxNorm only, medicationReference to a contained Medication), lab
// Observations in any unit, and ServiceRequests, built into a snapshot by the real builder.
// Not a test file itself.

import type { Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { Terminology } from '../../terminology/types.js';
import type { DataDomain, PatientSnapshot } from '../../types.js';

export const PID = 'pt-1';
const ATC_WHO = 'http://www.whocc.no/atc';
const ATC_OID = 'urn:oid:2.16.578.1.12.4.1.1.7180';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';

export type CodeVariant = 'atc-who' | 'atc-oid' | 'rxnorm' | 'contained';
export const CODE_VARIANTS: CodeVariant[] = ['atc-who', 'atc-oid', 'rxnorm', 'contained'];

export interface DrugCodes {
  atc: string;
  rxnorm: string;
  text: string;
}

export const CODES = {
  lenalidomide: { atc: 'L04AX04', rxnorm: '342369', text: 'Lenalidomid' },
  daratumumab: { atc: 'L01FC01', rxnorm: '1721947', text: 'Daratumumab' },
  dexamethasone: { atc: 'H02AB02', rxnorm: '3264', text: 'Deksametason' },
  melphalan: { atc: 'L01AA03', rxnorm: '6718', text: 'Melfalan' },
} satisfies Record<string, DrugCodes>;

let terminology: Terminology | undefined;

function codeable(codes: DrugCodes, variant: CodeVariant): Record<string, unknown> {
  if (variant === 'rxnorm') return { coding: [{ system: RXNORM, code: codes.rxnorm }] };
  return { coding: [{ system: variant === 'atc-oid' ? ATC_OID : ATC_WHO, code: codes.atc }] };
}

function drug(codes: DrugCodes, variant: CodeVariant): Record<string, unknown> {
  return variant === 'contained'
    ? {
        contained: [{ resourceType: 'Medication', id: 'med', code: { ...codeable(codes, 'atc-oid'), text: codes.text } }],
        medicationReference: { reference: '#med' },
      }
    : { medicationCodeableConcept: codeable(codes, variant) };
}

/** A draft MedicationRequest with a dose (mg unless `unit` is given). */
export function medicationRequest(
  id: string,
  codes: DrugCodes,
  variant: CodeVariant,
  dose?: { value: number; unit?: string },
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  const unit = dose?.unit ?? 'mg';
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${PID}` },
    ...drug(codes, variant),
    ...(dose ? { dosageInstruction: [{ text: `${dose.value} ${unit}`, doseAndRate: [{ doseQuantity: { value: dose.value, unit, system: UCUM, code: unit } }] }] } : {}),
    ...more,
  };
}

export function administration(id: string, codes: DrugCodes, variant: CodeVariant, effective: string): Record<string, unknown> {
  return {
    resourceType: 'MedicationAdministration',
    id,
    status: 'completed',
    subject: { reference: `Patient/${PID}` },
    ...drug(codes, variant),
    effectiveDateTime: effective,
  };
}

export function observation(id: string, loinc: string, value: number, unit: string, effective: string): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    effectiveDateTime: effective,
    valueQuantity: { value, unit, system: UCUM, code: unit },
  };
}

/** A stem-cell apheresis ServiceRequest (local code), planned on `occurrence`. */
export function apheresisRequest(id: string, status: string, occurrence?: string, patientId: string = PID): Record<string, unknown> {
  return {
    resourceType: 'ServiceRequest',
    id,
    status,
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    code: { coding: [{ system: 'urn:heme-cds:local', code: 'stem-cell-apheresis' }], text: 'Stamcellehøsting (aferese)' },
    ...(occurrence ? { occurrenceDateTime: occurrence } : {}),
  };
}

export function patient(birthDate?: string): Record<string, unknown> {
  return { resourceType: 'Patient', id: PID, gender: 'male', ...(birthDate ? { birthDate } : {}) };
}

export function fhirSnapshot(
  now: Date,
  parts: {
    patient?: Record<string, unknown>;
    drafts?: unknown[];
    resources?: Partial<Record<DataDomain, unknown[]>>;
    unavailable?: DataDomain[];
    selections?: string[];
    terminology?: Terminology;
  } = {},
): PatientSnapshot {
  const input: SnapshotInput = {
    patientId: PID,
    ...(parts.patient ? { patient: parts.patient as unknown as NonNullable<SnapshotInput['patient']> } : {}),
    resources: (parts.resources ?? {}) as SnapshotInput['resources'],
    medications: [],
    draftOrders: (parts.drafts ?? []) as Resource[],
    unavailable: parts.unavailable ?? [],
    ...(parts.selections ? { selections: parts.selections } : {}),
  };
  terminology ??= loadTerminology();
  return buildSnapshot(input, parts.terminology ?? terminology, now);
}

