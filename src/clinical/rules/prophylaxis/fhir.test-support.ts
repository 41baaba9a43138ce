// FHIR JSON builders for the prophylaxis rule tests: draft and recorded MedicationRequests whose drug
// is coded in each of the ways the contract accepts (ATC under both system URIs, RxNorm only, a
// medicationReference to a contained Medication), built into a snapshot by the real builder.
// Not a test file itself.

import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { DataDomain, PatientSnapshot } from '../../types.js';

export const PID = 'pt-1';
const ATC_WHO = 'http://www.whocc.no/atc';
const ATC_OID = 'urn:oid:2.16.578.1.12.4.1.1.7180';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export type CodeVariant = 'atc-who' | 'atc-oid' | 'rxnorm' | 'contained';
export const CODE_VARIANTS: CodeVariant[] = ['atc-who', 'atc-oid', 'rxnorm', 'contained'];

export interface DrugCodes {
  atc: string;
  rxnorm: string;
  text: string;
}

const terminology = loadTerminology();

function codeable(codes: DrugCodes, variant: CodeVariant): Record<string, unknown> {
  if (variant === 'rxnorm') return { coding: [{ system: RXNORM, code: codes.rxnorm }] };
  return { coding: [{ system: variant === 'atc-oid' ? ATC_OID : ATC_WHO, code: codes.atc }] };
}

/** A MedicationRequest for `codes`, coded as `variant`; status `draft` unless given. */
export function medicationRequest(id: string, codes: DrugCodes, variant: CodeVariant, more: Record<string, unknown> = {}): Record<string, unknown> {
  const base = { resourceType: 'MedicationRequest', id, status: 'draft', intent: 'order', subject: { reference: `Patient/${PID}` } };
  const drug =
    variant === 'contained'
      ? {
          contained: [{ resourceType: 'Medication', id: 'med', code: { ...codeable(codes, 'atc-oid'), text: codes.text } }],
          medicationReference: { reference: '#med' },
        }
      : { medicationCodeableConcept: codeable(codes, variant) };
  return { ...base, ...drug, ...more };
}

export function fhirSnapshot(
  now: Date,
  parts: { drafts?: unknown[]; resources?: Partial<Record<DataDomain, unknown[]>>; unavailable?: DataDomain[]; selections?: string[] } = {},
): PatientSnapshot {
  const input: SnapshotInput = {
    patientId: PID,
    resources: (parts.resources ?? {}) as SnapshotInput['resources'],
    medications: [],
    draftOrders: (parts.drafts ?? []) as SnapshotInput['draftOrders'],
    unavailable: parts.unavailable ?? [],
    ...(parts.selections ? { selections: parts.selections } : {}),
  };
  return buildSnapshot(input, terminology, now);
}

export const CODES = {
  lenalidomide: { atc: 'L04AX04', rxnorm: '342369', text: 'Lenalidomid 25 mg' },
  pomalidomide: { atc: 'L04AX06', rxnorm: '1369713', text: 'Pomalidomid 4 mg' },
  bortezomib: { atc: 'L01XG01', rxnorm: '358258', text: 'Bortezomib' },
  daratumumab: { atc: 'L01FC01', rxnorm: '1721947', text: 'Daratumumab' },
  isatuximab: { atc: 'L01FC02', rxnorm: '2282018', text: 'Isatuximab' },
  teclistamab: { atc: 'L01FX24', rxnorm: '2619426', text: 'Teklistamab' },
  talquetamab: { atc: 'L01FX29', rxnorm: '2644447', text: 'Talkvetamab' },
  ciltacel: { atc: 'L01XL05', rxnorm: '2594775', text: 'Ciltacabtagene autoleucel' },
  valaciclovir: { atc: 'J05AB11', rxnorm: '73645', text: 'Valaciklovir 250 mg' },
  asa: { atc: 'B01AC06', rxnorm: '1191', text: 'Acetylsalisylsyre 75 mg' },
  enoxaparin: { atc: 'B01AB05', rxnorm: '67108', text: 'Enoksaparin 40 mg' },
  smxTmp: { atc: 'J01EE01', rxnorm: '10180', text: 'Bactrim' },
  cetirizine: { atc: 'R06AE07', rxnorm: '20610', text: 'Cetirizin 10 mg' },
  paracetamol: { atc: 'N02BE01', rxnorm: '161', text: 'Paracetamol 1000 mg' },
  montelukast: { atc: 'R03DC03', rxnorm: '88249', text: 'Montelukast 10 mg' },
  dexamethasone: { atc: 'H02AB02', rxnorm: '3264', text: 'Deksametason 20 mg' },
} as const satisfies Record<string, DrugCodes>;
