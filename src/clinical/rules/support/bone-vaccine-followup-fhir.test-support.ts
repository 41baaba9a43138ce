// FHIR JSON builders for the bone, vaccine and follow-up rule tests: the code and unit variants go
// through the real snapshot builder and terminology. Not a test file itself.
import type { Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { Terminology } from '../../terminology/types.js';
import type { DataDomain, PatientSnapshot } from '../../types.js';

export const PID = 'pt-bvf';
export const ATC = 'http://www.whocc.no/atc';
export const ATC_OID = 'urn:oid:2.16.578.1.12.4.1.1.7180';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';

let terminology: Terminology | undefined;

export interface Coding {
  system: string;
  code: string;
}

/** How a drug is coded: codings on the request, or a contained Medication with them. */
export type DrugCoding = { codings: Coding[]; contained?: boolean; text?: string };

/** The four code variants the catalogue requires (contract 4). */
export function codeVariants(atc: string, rxnorm?: string): [string, DrugCoding][] {
  const out: [string, DrugCoding][] = [
    ['ATC (WHO URI)', { codings: [{ system: ATC, code: atc }] }],
    ['ATC (Norwegian OID)', { codings: [{ system: ATC_OID, code: atc }] }],
    ['contained Medication (ATC)', { codings: [{ system: ATC, code: atc }], contained: true }],
  ];
  if (rxnorm) out.push(['RxNorm only', { codings: [{ system: RXNORM, code: rxnorm }] }]);
  return out;
}

export function medicationRequest(id: string, drug: DrugCoding, more: Record<string, unknown> = {}): Resource {
  const cc = { coding: drug.codings, ...(drug.text ? { text: drug.text } : {}) };
  const med = drug.contained
    ? { contained: [{ resourceType: 'Medication', id: 'med', code: cc }], medicationReference: { reference: '#med' } }
    : { medicationCodeableConcept: cc };
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject: { reference: `Patient/${PID}` },
    authoredOn: '2026-01-01',
    ...med,
    ...more,
  } as unknown as Resource;
}

export function administration(id: string, drug: DrugCoding, when: string): Resource {
  const cc = { coding: drug.codings };
  return {
    resourceType: 'MedicationAdministration',
    id,
    status: 'completed',
    subject: { reference: `Patient/${PID}` },
    effectiveDateTime: when,
    medicationCodeableConcept: cc,
  } as unknown as Resource;
}

export function observation(id: string, loinc: string, value: number, unit: string, when: string): Resource {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    effectiveDateTime: when,
    valueQuantity: { value, unit, system: UCUM, code: unit },
  } as unknown as Resource;
}

export function condition(id: string, system: string, code: string, onset?: string): Resource {
  return {
    resourceType: 'Condition',
    id,
    subject: { reference: `Patient/${PID}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system, code }] },
    ...(onset ? { onsetDateTime: onset } : {}),
  } as unknown as Resource;
}

export function procedure(id: string, system: string, code: string, when: string): Resource {
  return {
    resourceType: 'Procedure',
    id,
    status: 'completed',
    subject: { reference: `Patient/${PID}` },
    code: { coding: [{ system, code }] },
    performedDateTime: when,
  } as unknown as Resource;
}

export const MYELOMA = (): Resource => condition('mm', 'http://hl7.org/fhir/sid/icd-10', 'C90.0', '2025-01-10');

/** A snapshot from FHIR JSON, sorted into domains by resource type, with the real terminology. */
export function build(resources: Resource[], opts: { drafts?: Resource[]; now: Date; unavailable?: DataDomain[] }): PatientSnapshot {
  terminology ??= loadTerminology();
  const byDomain: Partial<Record<DataDomain, Resource[]>> = {};
  const domainOf: Record<string, DataDomain> = {
    Observation: 'observations',
    Condition: 'conditions',
    MedicationRequest: 'medicationRequests',
    MedicationStatement: 'medicationStatements',
    MedicationAdministration: 'medicationAdministrations',
    Procedure: 'procedures',
    ServiceRequest: 'serviceRequests',
  };
  for (const r of resources) {
    const d = domainOf[r.resourceType];
    if (d) (byDomain[d] ??= []).push(r);
  }
  const input: SnapshotInput = {
    patientId: PID,
    resources: byDomain,
    medications: [],
    draftOrders: opts.drafts ?? [],
    unavailable: opts.unavailable ?? [],
  };
  return buildSnapshot(input, terminology, opts.now);
}
